from __future__ import annotations

from django_tasks import task


@task()
def signals_triage(*, signal_ids: list[int]) -> int:
    """Triage freshly received signals (one batch per delivery)."""
    from .triage import triage_signals

    return triage_signals(signal_ids)


@task()
def reply_deliver(*, reply_id: int) -> bool:
    """The first attempt right after the reply is queued; retries come from the sweep."""
    from .delivery import deliver

    return deliver(reply_id)

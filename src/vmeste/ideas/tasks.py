from __future__ import annotations

from django_tasks import task


@task()
def project_results_announce(*, project_id: int) -> int:
    """Announce the results (idempotent: running it twice announces once)."""
    from .services import results_announce

    return results_announce(project_id=project_id)

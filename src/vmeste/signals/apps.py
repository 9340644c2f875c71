from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SignalsConfig(AppConfig):
    """Complaints from social networks: connectors, triage, the operator queue, answers back."""

    name = "vmeste.signals"
    verbose_name = _("Signals")

    def ready(self) -> None:
        from vmeste.appeals.events import answer_published

        from . import rules, sweep  # noqa: F401  (permission rules, sweep steps)

        answer_published.connect(_queue_replies, dispatch_uid="signals-replies")


def _queue_replies(sender: object, answer: object, **kwargs: object) -> None:
    from .services import answer_published

    answer_published(answer)  # type: ignore[arg-type]

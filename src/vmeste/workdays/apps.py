from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkdaysConfig(AppConfig):
    name = "vmeste.workdays"
    label = "workdays"
    verbose_name = _("Production calendar")

    def ready(self) -> None:
        from . import sweep  # noqa: F401  (registers the sweep step)

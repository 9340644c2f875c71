from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AppealsConfig(AppConfig):
    name = "vmeste.appeals"
    label = "appeals"
    verbose_name = _("Appeals")

    def ready(self) -> None:
        from . import personal_data, rules, sweep  # noqa: F401  (rules, sweep steps, data hooks)

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IdeasConfig(AppConfig):
    name = "vmeste.ideas"
    label = "ideas"
    verbose_name = _("Ideas")

    def ready(self) -> None:
        from . import personal_data, rules, sweep  # noqa: F401  (rules, sweep steps, data hooks)

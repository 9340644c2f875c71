from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganizationsConfig(AppConfig):
    name = "vmeste.organizations"
    label = "organizations"
    verbose_name = _("Organizations")

    def ready(self) -> None:
        from . import rules  # noqa: F401  (registers the permission rules)

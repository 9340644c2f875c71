from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "vmeste.accounts"
    label = "accounts"
    verbose_name = _("People and roles")

    def ready(self) -> None:
        from . import rules  # noqa: F401  (registers the permission rules)

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "vmeste.core"
    label = "core"
    verbose_name = _("Platform core")

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from .search import sqlite_unicode_lower

        connection_created.connect(sqlite_unicode_lower, dispatch_uid="vmeste-sqlite-lower")
        from . import task_recovery  # noqa: F401  (the sweep step that requeues lost tasks)

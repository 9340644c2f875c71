"""Case-insensitive text search that also works for Cyrillic on SQLite.

SQLite's own LIKE and lower() fold only ASCII letters, so «МУЗЕЙ» would not find «музей». The core
app replaces lower() on every SQLite connection with Python's ``str.lower`` (see ``apps.py``), and
searches compare lowered columns with a lowered term. PostgreSQL's lower() already folds Unicode.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.db.models.functions import Lower


def text_search(qs: QuerySet[Any], fields: list[str], term: str) -> QuerySet[Any]:
    needle = term.strip().lower()
    if not needle:
        return qs
    annotations = {f"_search_{n}": Lower(field) for n, field in enumerate(fields)}
    condition = Q()
    for name in annotations:
        condition |= Q(**{f"{name}__contains": needle})
    return qs.annotate(**annotations).filter(condition)


def sqlite_unicode_lower(sender: Any, connection: Any, **kwargs: Any) -> None:
    if connection.vendor == "sqlite":
        connection.connection.create_function(
            "lower",
            1,
            lambda value: value.lower() if isinstance(value, str) else value,
            deterministic=True,
        )

"""Anonymized open data: appeals, ideas, votes (aggregated) and counters, per period, as CSV and JSON.

No field of any export identifies a person: no authors, no contacts, no names. Appeal texts are the
public texts, masked again at export (contacts and names of private persons).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterator
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Count
from django.db.models.functions import TruncDate
from django.utils import timezone

from vmeste.appeals.masking import mask_personal_data
from vmeste.appeals.models import PUBLISHED, Appeal, Category, DailyCounter
from vmeste.ideas.models import PUBLIC_IDEA_STATUSES, Idea, Vote
from vmeste.organizations.models import District, Organization

from .models import Export

# The schema of each export: (column, description) — shown on the open-data page.
SCHEMAS: dict[str, list[tuple[str, str]]] = {
    "appeals": [
        ("number", "Номер обращения"),
        ("category", "Категория"),
        ("organization", "Ответственная организация"),
        ("district", "Район"),
        ("status", "Статус (код)"),
        ("source", "Канал подачи"),
        ("created_at", "Подано (ISO 8601)"),
        ("registered_at", "Зарегистрировано"),
        ("due_at", "Срок ответа"),
        ("answered_at", "Первый ответ опубликован"),
        ("closed_at", "Закрыто"),
        ("answered_on_time", "Ответ в срок (true/false/пусто)"),
        ("overdue", "Просрочено сейчас"),
        ("disputes", "Сколько раз оспорено"),
        ("rating", "Оценка автора 1–5"),
        ("latitude", "Широта"),
        ("longitude", "Долгота"),
        ("text", "Текст со скрытыми персональными данными"),
    ],
    "ideas": [
        ("id", "Номер идеи"),
        ("project", "Проект"),
        ("direction", "Направление"),
        ("institution", "Учреждение"),
        ("title", "Название"),
        ("status", "Статус (код)"),
        ("published_at", "Опубликована"),
        ("votes", "Голосов"),
        ("comments", "Комментариев"),
        ("rank", "Место в итогах"),
        ("implementation", "Статус реализации"),
        ("progress", "Готовность, %"),
    ],
    "votes": [
        ("day", "День"),
        ("project", "Проект"),
        ("idea_id", "Номер идеи"),
        ("votes", "Голосов за день (без отозванных)"),
    ],
    "counters": [
        ("day", "День"),
        ("organization", "Организация"),
        ("district", "Район"),
        ("category", "Категория"),
        ("received", "Поступило"),
        ("answered_on_time", "Отвечено в срок"),
        ("answered_late", "Отвечено с опозданием"),
        ("disputed", "Оспорено"),
        ("rating_sum", "Сумма оценок"),
        ("rating_count", "Число оценок"),
    ],
}


def _iso(moment: dt.datetime | None) -> str:
    return timezone.localtime(moment).isoformat(timespec="seconds") if moment else ""


def _bounds(date_from: dt.date, date_to: dt.date) -> tuple[dt.datetime, dt.datetime]:
    tz = timezone.get_current_timezone()
    return (
        dt.datetime.combine(date_from, dt.time.min, tz),
        dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time.min, tz),
    )


def _appeals(date_from: dt.date, date_to: dt.date) -> Iterator[dict[str, Any]]:
    start, end = _bounds(date_from, date_to)
    qs = (
        Appeal.objects.filter(
            status__in=PUBLISHED,
            category__is_public=True,
            created_at__gte=start,
            created_at__lt=end,
        )
        .select_related("category", "organization", "district")
        .order_by("created_at", "id")
    )
    for a in qs.iterator(chunk_size=1000):
        yield {
            "number": a.number,
            "category": a.category.name,
            "organization": a.organization.name if a.organization else "",
            "district": a.district.name if a.district else "",
            "status": a.status,
            "source": a.source,
            "created_at": _iso(a.created_at),
            "registered_at": _iso(a.registered_at),
            "due_at": _iso(a.due_at),
            "answered_at": _iso(a.answered_at),
            "closed_at": _iso(a.closed_at),
            "answered_on_time": "" if a.is_answered_on_time is None else a.is_answered_on_time,
            "overdue": a.is_overdue,
            "disputes": a.dispute_count,
            "rating": a.rating or "",
            "latitude": str(a.latitude) if a.latitude is not None else "",
            "longitude": str(a.longitude) if a.longitude is not None else "",
            "text": mask_personal_data(a.public_text or ""),
        }


def _ideas(date_from: dt.date, date_to: dt.date) -> Iterator[dict[str, Any]]:
    start, end = _bounds(date_from, date_to)
    qs = (
        Idea.objects.filter(
            status__in=PUBLIC_IDEA_STATUSES,
            project__is_published=True,
            published_at__gte=start,
            published_at__lt=end,
        )
        .select_related("project", "direction", "institution")
        .order_by("published_at", "id")
    )
    for i in qs.iterator(chunk_size=1000):
        yield {
            "id": i.pk,
            "project": i.project.title,
            "direction": i.direction.name if i.direction else "",
            "institution": i.institution.name if i.institution else "",
            "title": i.title,
            "status": i.status,
            "published_at": _iso(i.published_at),
            "votes": i.vote_count,
            "comments": i.comment_count,
            "rank": i.rank or "",
            "implementation": i.implementation_status,
            "progress": i.progress,
        }


def _votes(date_from: dt.date, date_to: dt.date) -> Iterator[dict[str, Any]]:
    start, end = _bounds(date_from, date_to)
    rows = (
        Vote.objects.filter(
            withdrawn_at__isnull=True,
            cast_at__gte=start,
            cast_at__lt=end,
            project__is_published=True,
        )
        .annotate(day=TruncDate("cast_at"))
        .values("day", "project__title", "idea_id")
        .annotate(n=Count("id"))
        .order_by("day", "idea_id")
    )
    for row in rows:
        yield {
            "day": row["day"].isoformat(),
            "project": row["project__title"],
            "idea_id": row["idea_id"],
            "votes": row["n"],
        }


def _counters(date_from: dt.date, date_to: dt.date) -> Iterator[dict[str, Any]]:
    names = {
        "organization": dict(Organization.objects.values_list("pk", "name")),
        "district": dict(District.objects.values_list("pk", "name")),
        "category": dict(Category.objects.values_list("pk", "name")),
    }
    public = set(Category.objects.filter(is_public=True).values_list("pk", flat=True))
    for c in (
        DailyCounter.objects.filter(day__gte=date_from, day__lte=date_to, category_id__in=public)
        .order_by("day", "id")
        .iterator()
    ):
        yield {
            "day": c.day.isoformat(),
            "organization": names["organization"].get(c.organization_id, ""),
            "district": names["district"].get(c.district_id, ""),
            "category": names["category"].get(c.category_id, ""),
            "received": c.received,
            "answered_on_time": c.answered_on_time,
            "answered_late": c.answered_late,
            "disputed": c.disputed,
            "rating_sum": c.rating_sum,
            "rating_count": c.rating_count,
        }


SOURCES = {"appeals": _appeals, "ideas": _ideas, "votes": _votes, "counters": _counters}


def _render(kind: str, fmt: str, rows: list[dict[str, Any]]) -> bytes:
    if fmt == "json":
        return json.dumps(rows, ensure_ascii=False, indent=1).encode()
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=[c for c, _d in SCHEMAS[kind]])
    writer.writeheader()
    writer.writerows(rows)
    return ("\ufeff" + out.getvalue()).encode()


@transaction.atomic
def export_make(*, kind: str, fmt: str, date_from: dt.date, date_to: dt.date) -> Export:
    """Write (or rewrite) one export file for the period and record it."""
    rows = list(SOURCES[kind](date_from, date_to))
    export = Export.objects.filter(kind=kind, fmt=fmt, date_from=date_from, date_to=date_to).first()
    if export is None:
        export = Export(kind=kind, fmt=fmt, date_from=date_from, date_to=date_to)
    elif export.file:
        export.file.delete(save=False)
    export.rows = len(rows)
    export.file.save(
        f"{kind}-{date_from:%Y-%m-%d}-{date_to:%Y-%m-%d}.{fmt}",
        ContentFile(_render(kind, fmt, rows)),
        save=False,
    )
    export.save()
    return export


def exports_make_period(date_from: dt.date, date_to: dt.date) -> list[Export]:
    return [
        export_make(kind=k, fmt=f, date_from=date_from, date_to=date_to)
        for k in SOURCES
        for f in ("csv", "json")
    ]

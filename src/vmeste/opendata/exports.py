"""Anonymized open data: appeals, ideas, votes (aggregated) and counters, per period, as CSV and JSON.

No field of any export identifies a person: no authors, no contacts, no names. Appeal texts are the
public texts, masked again at export (contacts and names of private persons).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import tempfile
from collections.abc import Iterator
from typing import Any

from django.core.files.base import File
from django.db import transaction
from django.db.models import Count
from django.db.models.functions import TruncDate
from django.utils import timezone

from vmeste.appeals.masking import mask_contacts, mask_personal_data
from vmeste.appeals.models import AWAITING_ANSWER, PUBLISHED, Appeal, Category, DailyCounter
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
    rows = (
        Appeal.objects.filter(
            status__in=PUBLISHED,
            category__is_public=True,
            created_at__gte=start,
            created_at__lt=end,
        )
        .order_by("created_at", "id")
        .values_list(
            "number",
            "category__name",
            "organization__name",
            "district__name",
            "status",
            "source",
            "created_at",
            "registered_at",
            "due_at",
            "answered_at",
            "closed_at",
            "is_answered_on_time",
            "overdue_at",
            "dispute_count",
            "rating",
            "latitude",
            "longitude",
            "public_text",
            "is_masked_by_ner",
        )
    )
    for (
        number, category, organization, district, status, source, created_at, registered_at,
        due_at, answered_at, closed_at, on_time, overdue_at, disputes, rating, latitude,
        longitude, public_text, masked_by_ner,
    ) in rows.iterator(chunk_size=2000):  # fmt: skip
        text = public_text or ""
        yield {
            "number": number,
            "category": category,
            "organization": organization or "",
            "district": district or "",
            "status": status,
            "source": source,
            "created_at": _iso(created_at),
            "registered_at": _iso(registered_at),
            "due_at": _iso(due_at),
            "answered_at": _iso(answered_at),
            "closed_at": _iso(closed_at),
            "answered_on_time": "" if on_time is None else on_time,
            "overdue": overdue_at is not None and status in AWAITING_ANSWER,
            "disputes": disputes,
            "rating": rating or "",
            "latitude": str(latitude) if latitude is not None else "",
            "longitude": str(longitude) if longitude is not None else "",
            # A public text the masking task already ran the recogniser over (66 ms a text) gets
            # the contact patterns again; the others (not yet masked) the whole masking.
            "text": mask_contacts(text) if masked_by_ner else mask_personal_data(text),
        }


def _ideas(date_from: dt.date, date_to: dt.date) -> Iterator[dict[str, Any]]:
    start, end = _bounds(date_from, date_to)
    rows = (
        Idea.objects.filter(
            status__in=PUBLIC_IDEA_STATUSES,
            project__is_published=True,
            published_at__gte=start,
            published_at__lt=end,
        )
        .order_by("published_at", "id")
        .values_list(
            "id",
            "project__title",
            "direction__name",
            "institution__name",
            "title",
            "status",
            "published_at",
            "vote_count",
            "comment_count",
            "rank",
            "implementation_status",
            "progress",
        )
    )
    for (
        pk, project, direction, institution, title, status, published_at, votes, comments, rank,
        implementation, progress,
    ) in rows.iterator(chunk_size=2000):  # fmt: skip
        yield {
            "id": pk,
            "project": project,
            "direction": direction or "",
            "institution": institution or "",
            "title": title,
            "status": status,
            "published_at": _iso(published_at),
            "votes": votes,
            "comments": comments,
            "rank": rank or "",
            "implementation": implementation,
            "progress": progress,
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
        .iterator(chunk_size=2000)
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


class _Writer:
    """One export file written row by row to a temporary file (a month of appeals is not held in
    memory); the bytes are those of ``json.dumps(rows, ensure_ascii=False, indent=1)`` and of
    ``csv.DictWriter`` with a BOM."""

    def __init__(self, kind: str, fmt: str):
        self.fmt = fmt
        self.file = tempfile.TemporaryFile()  # noqa: SIM115  (closed in export_save)
        self.text = io.TextIOWrapper(self.file, encoding="utf-8", newline="")
        self.rows = 0
        if fmt == "csv":
            self.text.write("\ufeff")
            self.csv = csv.DictWriter(self.text, fieldnames=[c for c, _d in SCHEMAS[kind]])
            self.csv.writeheader()

    def write(self, row: dict[str, Any]) -> None:
        if self.fmt == "csv":
            self.csv.writerow(row)
        else:
            body = json.dumps(row, ensure_ascii=False, indent=1)
            self.text.write(("[\n" if not self.rows else ",\n") + "\n".join(
                " " + line for line in body.split("\n")
            ))  # fmt: skip
        self.rows += 1

    def close(self) -> File:
        if self.fmt == "json":
            self.text.write("\n]" if self.rows else "[]")
        self.text.flush()
        self.text.detach()
        self.file.seek(0)
        return File(self.file)


def _save(kind: str, writer: _Writer, date_from: dt.date, date_to: dt.date) -> Export:
    fmt = writer.fmt
    content = writer.close()
    try:
        export = Export.objects.filter(
            kind=kind, fmt=fmt, date_from=date_from, date_to=date_to
        ).first()
        if export is None:
            export = Export(kind=kind, fmt=fmt, date_from=date_from, date_to=date_to)
        elif export.file:
            export.file.delete(save=False)
        export.rows = writer.rows
        export.file.save(
            f"{kind}-{date_from:%Y-%m-%d}-{date_to:%Y-%m-%d}.{fmt}", content, save=False
        )
        export.save()
    finally:
        content.close()
    return export


def _make(kind: str, fmts: tuple[str, ...], date_from: dt.date, date_to: dt.date) -> list[Export]:
    """Read the rows of a kind once (streamed) and write every format from them."""
    writers = [_Writer(kind, fmt) for fmt in fmts]
    for row in SOURCES[kind](date_from, date_to):
        for writer in writers:
            writer.write(row)
    with transaction.atomic():
        return [_save(kind, writer, date_from, date_to) for writer in writers]


def export_make(*, kind: str, fmt: str, date_from: dt.date, date_to: dt.date) -> Export:
    """Write (or rewrite) one export file for the period and record it."""
    return _make(kind, (fmt,), date_from, date_to)[0]


def exports_make_period(date_from: dt.date, date_to: dt.date) -> list[Export]:
    return [e for kind in SOURCES for e in _make(kind, ("csv", "json"), date_from, date_to)]

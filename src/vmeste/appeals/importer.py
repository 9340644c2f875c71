"""Importing appeals from other systems: CSV (plain or gzip) with a declarative column mapping.

The mapping (JSON) names the columns of the external id, the dates and their format, the text, the
category, the organization, the status, the on-time flag and the channel, with value maps for the
last four. Every row is written in its own transaction (a bad row is reported with its line number
and skipped; no row is ever half-written), the file is read as a stream, and a second run over the
same file changes nothing (rows are matched by ``source`` + external id).
"""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import io
import zoneinfo
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils.text import slugify

from vmeste.accounts.models import User
from vmeste.core import clock
from vmeste.core.audit import audit_record
from vmeste.organizations.models import Organization
from vmeste.workdays.calendar import working_time_between

from .counters import counters_tracked
from .models import AWAITING_ANSWER, Appeal, Category, Source, Status
from .services import _next_number

IMPORT_USER = "import@vmeste.invalid"


class RowError(ValueError):
    """A row that cannot be imported; the message says why."""


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: Counter[str] = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return self.created + self.updated + self.unchanged + sum(self.skipped.values())

    def as_dict(self) -> dict[str, Any]:
        return {
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "skipped": dict(self.skipped),
            "first_errors": self.errors[:20],
        }


def _open(path: Path) -> io.TextIOBase:
    raw = path.open("rb")
    magic = raw.read(2)
    raw.seek(0)
    stream: Any = gzip.GzipFile(fileobj=raw) if magic == b"\x1f\x8b" else raw
    return io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")


class Mapper:
    def __init__(self, mapping: dict[str, Any], *, create_missing: bool) -> None:
        self.m = mapping
        self.source = mapping.get("source", "import")[:50]
        self.create_missing = create_missing
        self.tz = zoneinfo.ZoneInfo(mapping.get("timezone", "UTC"))
        self.date_formats = mapping.get("date_formats") or [
            mapping.get("date_format", "%Y-%m-%dT%H:%M:%S")
        ]
        self._categories: dict[str, Category] = {}
        self._organizations: dict[str, Organization | None] = {}
        parent_slug = (mapping.get("organization") or {}).get("parent")
        self.parent = Organization.objects.filter(slug=parent_slug).first() if parent_slug else None

    def date(self, row: dict[str, str], key: str) -> dt.datetime | None:
        column = self.m.get("fields", {}).get(key)
        value = (row.get(column) or "").strip() if column else ""
        if not value:
            return None
        for fmt in self.date_formats:
            try:
                return dt.datetime.strptime(value, fmt).replace(tzinfo=self.tz)
            except ValueError:
                continue
        raise RowError(f"{column}: {value!r} is not a date in the format {self.date_formats[0]}")

    def value(self, row: dict[str, str], key: str) -> str:
        column = self.m.get("fields", {}).get(key)
        return (row.get(column) or "").strip() if column else ""

    def mapped(self, row: dict[str, str], key: str) -> Any:
        spec = self.m.get(key) or {}
        raw = (row.get(spec.get("column", "")) or "").strip()
        if raw in spec.get("map", {}):
            return spec["map"][raw]
        return spec.get("default", raw or None)

    def category(self, row: dict[str, str]) -> Category:
        name = str(self.mapped(row, "category") or "")
        if not name:
            raise RowError("no category")
        if name not in self._categories:
            category = (
                Category.objects.filter(slug=name).first()
                or Category.objects.filter(name=name).first()
            )
            if category is None:
                if not self.create_missing:
                    raise RowError(f"unknown category {name!r} (use --create-missing)")
                slug = (slugify(name, allow_unicode=False) or "category")[:90]
                category, _ = Category.objects.get_or_create(
                    slug=f"{self.source[:8]}-{slug}"[:100], defaults={"name": name[:200]}
                )
            self._categories[name] = category
        return self._categories[name]

    def organization(self, row: dict[str, str]) -> Organization | None:
        name = str(self.mapped(row, "organization") or "")
        if not name:
            return None
        if name not in self._organizations:
            found = (
                Organization.objects.filter(slug=name).first()
                or Organization.objects.filter(name=name).first()
            )
            if found is None and self.create_missing:
                slug = f"{self.source[:8]}-{slugify(name) or 'org'}"[:120]
                found, _ = Organization.objects.get_or_create(
                    slug=slug,
                    defaults={
                        "name": name[:300],
                        "kind": "institution",
                        "institution_type": "other",
                        "parent": self.parent,
                    },
                )
            elif found is None:
                raise RowError(f"unknown organization {name!r} (use --create-missing)")
            self._organizations[name] = found
        return self._organizations[name]


def _decimal(value: str, low: int, high: int) -> Decimal | None:
    if not value:
        return None
    try:
        number = Decimal(value).quantize(Decimal("0.000001"))
    except (InvalidOperation, ValueError):
        raise RowError(f"{value!r} is not a coordinate") from None
    if not low <= number <= high:
        raise RowError(f"coordinate {value} out of range")
    return number


def _fields(mapper: Mapper, row: dict[str, str], now: dt.datetime) -> dict[str, Any]:
    created = mapper.date(row, "created_at")
    if created is None:
        raise RowError("no creation date")
    registered = mapper.date(row, "registered_at") or created
    due = mapper.date(row, "due_at")
    closed = mapper.date(row, "closed_at")
    status = mapper.mapped(row, "status") or (Status.CLOSED_AUTO if closed else Status.ASSIGNED)
    if status not in Status.values:
        raise RowError(f"status maps to {status!r}, not one of ours")
    text = ". ".join(
        p for p in ((row.get(c) or "").strip() for c in mapper.m.get("text", [])) if p
    )[:4000]
    category = mapper.category(row)
    if len(text) < 10:
        text = f"{category.name}. {text}".strip()[:4000]
    on_time = mapper.mapped(row, "on_time")
    closed_or_answered = (
        status in {Status.ANSWERED, Status.CLOSED_CONFIRMED, Status.CLOSED_AUTO}
        and closed is not None
    )
    channel = mapper.mapped(row, "channel") or Source.IMPORT
    fields: dict[str, Any] = {
        "category": category,
        "organization": mapper.organization(row),
        "status": status,
        "text": text,
        "public_text": text,
        "address": mapper.value(row, "address")[:300],
        "latitude": _decimal(mapper.value(row, "latitude"), -90, 90),
        "longitude": _decimal(mapper.value(row, "longitude"), -180, 180),
        "created_at": created,
        "registered_at": registered,
        "due_at": due,
        "closed_at": closed if closed_or_answered else None,
        "answered_at": closed if closed_or_answered else None,
        "source": channel if channel in Source.values else Source.IMPORT,
    }
    if closed_or_answered and closed is not None:
        fields["is_answered_on_time"] = (
            bool(on_time) if on_time is not None else (due is None or closed <= due)
        )
        fields["answer_working_seconds"] = int(
            working_time_between(registered, closed).total_seconds()
        )
    else:
        fields["is_answered_on_time"] = None
        fields["answer_working_seconds"] = None
    fields["overdue_at"] = (
        due if (status in AWAITING_ANSWER and due is not None and due < now) else None
    )
    if fields["latitude"] is None or fields["longitude"] is None:
        fields["latitude"] = fields["longitude"] = None
    return fields


def appeals_import(
    path: Path,
    mapping: dict[str, Any],
    *,
    create_missing: bool = False,
    limit: int | None = None,
    progress: Callable[[ImportReport], None] | None = None,
    every: int = 5000,
) -> ImportReport:
    """Import the file; see the module docstring. Returns the report (also the progress callback's)."""
    mapper = Mapper(mapping, create_missing=create_missing)
    id_column = mapping.get("id")
    if not id_column:
        raise ValueError('the mapping must name the id column ("id")')
    author, _ = User.objects.get_or_create(
        email=IMPORT_USER, defaults={"display_name": "Импорт", "is_active": False}
    )
    report = ImportReport()
    now = clock.now()
    with _open(path) as handle:
        reader = csv.DictReader(handle)
        if id_column not in (reader.fieldnames or []):
            raise ValueError(f"the file has no column {id_column!r}")
        for line, row in _rows(reader, limit):
            external_id = (row.get(id_column) or "").strip()[:100]
            try:
                if not external_id:
                    raise RowError("no external id")
                outcome = _import_row(mapper, row, external_id, author, now)
            except RowError as error:
                reason = str(error).split(":")[0][:60]
                report.skipped[reason] += 1
                report.errors.append(f"line {line}: {error}")
                continue
            setattr(report, outcome, getattr(report, outcome) + 1)
            if progress and report.rows % every == 0:
                progress(report)
    return report


def _rows(reader: csv.DictReader[str], limit: int | None) -> Iterator[tuple[int, dict[str, str]]]:
    for number, row in enumerate(reader, start=2):  # line 1 is the header
        if limit is not None and number - 1 > limit:
            return
        yield number, row


@transaction.atomic
def _import_row(
    mapper: Mapper, row: dict[str, str], external_id: str, author: User, now: dt.datetime
) -> str:
    fields = _fields(mapper, row, now)
    appeal = (
        Appeal.objects.select_for_update()
        .filter(external_source=mapper.source, external_id=external_id)
        .first()
    )
    if appeal is not None:
        if not _differs(appeal, fields):
            return "unchanged"
        with counters_tracked(appeal):
            for key, value in fields.items():
                setattr(appeal, key, value)
            appeal.save()
        audit_record(
            actor=None,
            action="appeal.imported",
            target=appeal,
            to_state=appeal.status,
            data={"source": mapper.source, "update": True},
        )
        return "updated"
    appeal = Appeal(
        author=author,
        external_source=mapper.source,
        external_id=external_id,
        number=_next_number(fields["created_at"].astimezone(dt.UTC).year),
        **fields,
    )
    with counters_tracked(appeal):
        appeal.save()
    audit_record(
        actor=None,
        action="appeal.imported",
        target=appeal,
        to_state=appeal.status,
        data={"source": mapper.source},
    )
    return "created"


def _differs(appeal: Appeal, fields: dict[str, Any]) -> bool:
    for key, value in fields.items():
        current = getattr(appeal, key)
        if hasattr(value, "pk"):
            if getattr(current, "pk", None) != value.pk:
                return True
        elif current != value:
            return True
    return False

"""``vmeste signals-import FILE --source SLUG``: posts collected elsewhere, from CSV or JSON.

Columns (CSV) or keys (JSON list of objects): ``id``, ``text``, optional ``author``, ``url`` and
``posted_at`` (ISO 8601). A second import of the same file creates nothing.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from vmeste.signals import connectors, services
from vmeste.signals.models import Source


class Command(BaseCommand):
    help = "Import signals from a CSV or JSON file into a source."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--source", required=True, help="the source's slug")

    def handle(self, *args: Any, **options: Any) -> None:
        source = Source.objects.filter(slug=options["source"]).first()
        if source is None:
            raise CommandError(
                _("No source with the slug «%(slug)s».") % {"slug": options["source"]}
            )
        path: Path = options["file"]
        if not path.exists():
            raise CommandError(_("No such file: %(path)s") % {"path": path})
        try:
            if path.suffix.lower() == ".json":
                rows = json.loads(path.read_text(encoding="utf-8"))
            else:
                with path.open(encoding="utf-8-sig", newline="") as handle:
                    rows = list(csv.DictReader(handle))
        except (UnicodeDecodeError, ValueError, csv.Error) as error:
            raise CommandError(_("The file cannot be read: %(error)s") % {"error": error}) from None
        if not isinstance(rows, list):
            raise CommandError(_("The JSON file must hold a list of objects."))
        created = skipped = 0
        errors: list[str] = []
        for number, row in enumerate(rows, start=1):
            try:
                (item,) = connectors.generic_items(row)
            except connectors.PayloadError as error:
                errors.append(f"{number}: {error}")
                continue
            made = services.ingest(source, connectors.Delivery.of(item, "import"), row)[1]
            created += len(made)
            skipped += 0 if made else 1
        for line in errors[:20]:
            self.stderr.write(line)
        self.stdout.write(
            _("Created %(created)s, already known %(skipped)s, refused %(errors)s.")
            % {"created": created, "skipped": skipped, "errors": len(errors)}
        )

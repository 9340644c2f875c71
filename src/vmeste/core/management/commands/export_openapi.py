from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand


def openapi_document() -> dict[str, Any]:
    from vmeste.core.api import api

    return json.loads(json.dumps(api.get_openapi_schema(path_prefix="/api/v1/"), default=str))


def openapi_text() -> str:
    return json.dumps(openapi_document(), ensure_ascii=False, indent=2, sort_keys=True) + "\n"


class Command(BaseCommand):
    help = "Write the OpenAPI document of /api/v1/ (committed as docs/openapi.json)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--output", default="docs/openapi.json")

    def handle(self, *args: Any, **options: Any) -> None:
        Path(options["output"]).write_text(openapi_text(), encoding="utf-8")
        self.stdout.write(f"wrote {options['output']}")

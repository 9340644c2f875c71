from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from vmeste.demo import seed
from vmeste.organizations.models import Organization


class Command(BaseCommand):
    help = "Load the demo region: organizations, districts, staff for every role and residents."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--if-empty", action="store_true", help="do nothing if data exists")
        parser.add_argument(
            "--appeals", type=int, default=300, help="how many demo appeals to make"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["if_empty"] and Organization.objects.exists():
            self.stdout.write("The database already has data; the demo is not loaded again.")
            return
        with transaction.atomic():
            summary = seed.seed_all(appeals=options["appeals"])
        for name, count in summary.items():
            self.stdout.write(f"{name}: {count}")

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from vmeste.core import clock
from vmeste.workdays.services import calendar_load_year


class Command(BaseCommand):
    help = "Load Russian public holidays and transferred working days for the given years."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("years", nargs="*", type=int, help="default: this year and the next")
        parser.add_argument("--replace", action="store_true", help="overwrite days edited by hand")

    def handle(self, *args: Any, **options: Any) -> None:
        years = options["years"] or [clock.today().year, clock.today().year + 1]
        for year in years:
            result = calendar_load_year(year=year, replace=options["replace"])
            self.stdout.write(f"{year}: {result['created']} added, {result['updated']} updated")

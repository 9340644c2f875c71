from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from vmeste.demo.people import DEMO_PASSWORD, logins


class Command(BaseCommand):
    help = "Print the demo logins."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for email, about in logins():
            self.stdout.write(f"  {email:<26} {about}")

"""``vmeste db_worker`` whose results announcement stops half-way, for the kill test.

With ``VMESTE_TEST_BLOCK_FILE`` set, ``results_announce`` blocks right after it has written
``results_announced_at`` (inside its transaction, holding the project's row lock): it touches the
file to say "I am in the middle of the task" and waits to be killed. Without it, this is the plain
worker. Run as ``python -m tests.reliability.blocking_worker [db_worker options]``.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import Any


def main() -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vmeste.config.settings")
    django.setup()
    marker = os.environ.get("VMESTE_TEST_BLOCK_FILE")
    if marker:
        from vmeste.ideas import services

        def _stuck(project: Any, **kwargs: Any) -> None:
            Path(marker).write_text(str(os.getpid()))
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:
                time.sleep(0.1)
            raise SystemExit("the test never killed this worker")

        services._count = _stuck  # type: ignore[assignment]
    from django.core.management import call_command

    call_command("db_worker", *sys.argv[1:])


if __name__ == "__main__":
    main()

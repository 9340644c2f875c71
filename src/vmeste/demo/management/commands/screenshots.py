from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand
from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
from django.core.wsgi import get_wsgi_application

PAGES = [
    ("home", "/"),
    ("projects", "/projects/"),
    ("project", "/projects/kultura-onlajn/"),
    ("appeals", "/appeals/"),
    ("dashboard", "/dashboard/"),
    ("organization", "/organizations/kraevedcheskij-muzej/"),
    ("events", "/events/"),
]
SIZES = {"desktop": (1280, 900), "phone": (390, 844)}
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


class _Quiet(WSGIRequestHandler):
    def log_message(self, *args: Any) -> None:
        pass


class Command(BaseCommand):
    help = "Render the main pages of the demo (desktop and phone widths) into docs/screenshots/ with Playwright."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--output", type=Path, default=Path("docs/screenshots"))
        parser.add_argument("--chromium", default="/usr/bin/chromium")

    def handle(self, *args: Any, **options: Any) -> None:
        from playwright.sync_api import sync_playwright

        server = ThreadedWSGIServer(("127.0.0.1", 0), _Quiet)
        server.set_app(get_wsgi_application())
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        base = f"http://127.0.0.1:{server.server_address[1]}"
        output: Path = options["output"]
        output.mkdir(parents=True, exist_ok=True)
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=options["chromium"], args=ARGS)
                for size, (width, height) in SIZES.items():
                    context = browser.new_context(
                        locale="ru-RU", viewport={"width": width, "height": height}
                    )
                    page = context.new_page()
                    for name, path in PAGES:
                        page.goto(base + path)
                        page.wait_for_load_state("networkidle")
                        target = output / f"{name}-{size}.png"
                        page.screenshot(path=str(target))
                        self.stdout.write(str(target))
                    context.close()
                browser.close()
        finally:
            server.shutdown()

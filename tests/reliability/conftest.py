"""Helpers of the fault tests: a loopback TCP proxy we can cut, free ports, subprocess settings.

The fault tests run real processes (gunicorn, db_worker) against the test database, so they need
PostgreSQL: an SQLite file shared between processes does not show what production does.
"""

from __future__ import annotations

import contextlib
import os
import select
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from tests.appeals.conftest import categories, file_appeal, registered  # noqa: F401  (fixtures)

ROOT = Path(__file__).resolve().parents[2]
VMESTE = str(ROOT / ".venv" / "bin" / "vmeste")


def require_postgresql() -> None:
    if connection.vendor != "postgresql":
        pytest.skip(
            "needs PostgreSQL (real server and worker processes share the test database); "
            "run with DATABASE_URL=postgres://…"
        )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def database_url(*, host: str | None = None, port: int | None = None) -> str:
    """The URL of the database this test runs on (the test database), optionally via a proxy."""
    conf = connection.settings_dict
    user = conf.get("USER") or "postgres"
    password = f":{conf['PASSWORD']}" if conf.get("PASSWORD") else ""
    return (
        f"postgres://{user}{password}@{host or conf.get('HOST') or '127.0.0.1'}:"
        f"{port or conf.get('PORT') or 5432}/{conf['NAME']}"
    )


def process_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """Environment of a server or worker process: production-like settings, this test database."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "PYTEST", "COV_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="vmeste.config.settings",
        DATABASE_URL=database_url(),
        VMESTE_VAR_DIR=str(tmp_path / "var"),
        MEDIA_ROOT=str(tmp_path / "media"),
        API_RATE_PER_IP="1000000/m",
        API_RATE_PER_CALLER="1000000/m",
        PYTHONUNBUFFERED="1",
        PYTHONPATH=str(ROOT),
    )
    env.update(extra)
    return env


class TcpProxy:
    """A loopback TCP proxy in front of PostgreSQL that a test can cut and restore.

    ``cut()`` closes every open connection (the server sees "connection closed unexpectedly" in
    the middle of a query or transaction) and, until ``restore()``, accepts and at once closes
    new ones, as a database that is down or unreachable does.
    """

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(128)
        self.port = int(self.listener.getsockname()[1])
        self.down = threading.Event()
        self.stopping = threading.Event()
        self.lock = threading.Lock()
        self.pairs: list[tuple[socket.socket, socket.socket]] = []
        self.accepted = 0
        self.refused = 0
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self) -> None:
        while not self.stopping.is_set():
            ready, _, _ = select.select([self.listener], [], [], 0.2)
            if not ready:
                continue
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if self.down.is_set():
                self.refused += 1
                client.close()
                continue
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            self.accepted += 1
            with self.lock:
                self.pairs.append((client, upstream))
            threading.Thread(target=self._pipe, args=(client, upstream), daemon=True).start()

    def _pipe(self, client: socket.socket, upstream: socket.socket) -> None:
        sockets = [client, upstream]
        try:
            while not self.stopping.is_set():
                ready, _, _ = select.select(sockets, [], [], 0.2)
                for sock in ready:
                    data = sock.recv(65536)
                    if not data:
                        return
                    (upstream if sock is client else client).sendall(data)
        except (OSError, ValueError):  # cut() closed a socket: select() sees fd -1
            return
        finally:
            for sock in sockets:
                with contextlib.suppress(OSError):
                    sock.close()

    def cut(self) -> None:
        self.down.set()
        with self.lock:
            pairs, self.pairs = self.pairs, []
        for client, upstream in pairs:
            for sock in (client, upstream):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                with contextlib.suppress(OSError):
                    sock.close()

    def restore(self) -> None:
        self.down.clear()

    def close(self) -> None:
        self.cut()
        self.stopping.set()
        self.listener.close()
        self.thread.join(timeout=5)


@pytest.fixture
def pg_proxy() -> Iterator[TcpProxy]:
    require_postgresql()
    conf = connection.settings_dict
    proxy = TcpProxy((conf.get("HOST") or "127.0.0.1", int(conf.get("PORT") or 5432)))
    yield proxy
    proxy.close()


def wait_for_http(url: str, *, timeout: float = 30.0, process: Any = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"the process exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise TimeoutError(url)


def stop(process: subprocess.Popen[Any], *, timeout: float = 15) -> None:
    """Stop a process this test started (by its own handle, never by name)."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=timeout)


PYTHON = sys.executable

"""The ``vmeste`` command.

``vmeste demo``    migrate the embedded database, load the demo if it is empty, run web + worker
``vmeste serve``   the production web server (gunicorn, one worker process per core)
``vmeste worker``  the background worker (django-tasks-db) plus the sweep every minute
anything else      a Django management command; dashes may stand for underscores
                   (``vmeste seed-demo`` is ``manage.py seed_demo``)
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from types import FrameType

DEMO_LOGINS_COMMAND = "demo_logins"


def _setup_env() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vmeste.config.settings")


def _django(args: list[str]) -> None:
    from django.core.management import execute_from_command_line

    execute_from_command_line(["vmeste", *args])


def _address() -> tuple[str, str]:
    return os.environ.get("VMESTE_HOST", "127.0.0.1"), os.environ.get("VMESTE_PORT", "8000")


def serve_command(extra: list[str]) -> list[str]:
    host, port = _address()
    workers = os.environ.get("WEB_CONCURRENCY") or str(os.cpu_count() or 1)
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "vmeste.config.wsgi:application",
        "--bind",
        f"{host}:{port}",
        "--workers",
        workers,
        "--access-logfile",
        "-",
        "--graceful-timeout",
        "10",
        *extra,
    ]


def serve(extra: list[str]) -> None:
    command = serve_command(extra)
    os.execv(command[0], command)


_THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


def worker(extra: list[str], *, sweep_every: float = 60.0) -> None:
    """Run the task worker as a child process and the sweep in this one, until told to stop."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import close_old_connections

    # One thread per worker for numpy/BLAS (the triage's models): workers scale out as processes,
    # and on a small machine spinning BLAS threads took twice the CPU for the same signals.
    threads = {name: os.environ.get(name, "1") for name in _THREAD_VARIABLES}
    child = subprocess.Popen(
        [sys.executable, "-m", "vmeste", "db_worker", "--interval", "1", *extra],
        env={**os.environ, **threads},
    )
    stopping = False

    def stop(signum: int, frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    next_sweep = 0.0
    try:
        while not stopping and child.poll() is None:
            if time.monotonic() >= next_sweep:
                close_old_connections()
                try:
                    call_command("sweep", verbosity=0)
                except Exception as exc:
                    print(f"sweep failed: {exc}", file=sys.stderr)
                next_sweep = time.monotonic() + sweep_every
            time.sleep(0.5)
    finally:
        if child.poll() is None:
            child.terminate()
            try:
                child.wait(timeout=15)
            except subprocess.TimeoutExpired:
                child.kill()


def _port_is_free(host: str, port: str) -> bool:
    import socket

    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, int(port)))
        except OSError:
            return False
    return True


def demo(extra: list[str]) -> None:
    import django

    from vmeste.config import settings as conf

    host, port = _address()
    if not _port_is_free(host, port):
        sys.exit(f"{host}:{port} is already in use: stop what runs there or set VMESTE_PORT=8001")
    conf.VAR_DIR.mkdir(parents=True, exist_ok=True)
    conf.STATIC_ROOT.mkdir(parents=True, exist_ok=True)
    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    call_command("seed_demo", if_empty=True)
    processes = [
        subprocess.Popen([sys.executable, "-m", "vmeste", "worker"]),
        subprocess.Popen(serve_command(["--access-logfile", "-"])),
    ]
    print()
    print(f"Vmeste is running at http://{host}:{port}/  (Ctrl+C stops it)")
    call_command(DEMO_LOGINS_COMMAND)
    sys.stdout.flush()

    def stop(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    try:
        while all(process.poll() is None for process in processes):
            time.sleep(1)
    except KeyboardInterrupt:
        pass
    finally:
        for process in processes:
            if process.poll() is None:
                process.terminate()
        for process in processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()


def main(argv: list[str] | None = None) -> None:
    _setup_env()
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in {"-h", "--help"}:
        print(__doc__)
        _django(["help"])
        return
    command, rest = args[0], args[1:]
    if command == "demo":
        demo(rest)
    elif command == "serve":
        serve(rest)
    elif command == "worker":
        worker(rest)
    else:
        _django([command.replace("-", "_"), *rest])


if __name__ == "__main__":
    main()

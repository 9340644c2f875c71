"""Backups: pg_dump -Fc of a database holding the demo, pg_restore into a fresh one, equal rows.

The procedure is the one docs/reliability.md prescribes. Row counts of every table (the project's
and the libraries': sessions, allauth, tasks) and the positions of every sequence must match, so the
restored database not only holds the same rows but also goes on numbering them without collisions.
"""

from __future__ import annotations

import shutil
import subprocess
import uuid
from typing import Any

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection
from psycopg import sql

from tests.reliability.conftest import require_postgresql


def _conninfo(dbname: str) -> dict[str, Any]:
    conf = connection.settings_dict
    info = {
        "host": conf.get("HOST") or "127.0.0.1",
        "port": int(conf.get("PORT") or 5432),
        "user": conf.get("USER") or "postgres",
        "dbname": dbname,
    }
    if conf.get("PASSWORD"):
        info["password"] = conf["PASSWORD"]
    return info


def _pg_env() -> dict[str, str]:
    import os

    conf = connection.settings_dict
    env = dict(os.environ)
    if conf.get("PASSWORD"):
        env["PGPASSWORD"] = conf["PASSWORD"]
    return env


def _pg_args() -> list[str]:
    info = _conninfo("postgres")
    return ["-h", info["host"], "-p", str(info["port"]), "-U", info["user"]]


def _snapshot(dbname: str) -> tuple[dict[str, int], dict[str, int]]:
    """(rows per table, last value per sequence) of the public schema."""
    with psycopg.connect(**_conninfo(dbname), autocommit=True) as conn:
        tables = [
            row[0]
            for row in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
            )
        ]
        counts = {
            table: conn.execute(
                sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table))
            ).fetchone()[0]  # type: ignore[index]
            for table in tables
        }
        sequences = {
            name: int(value or 0)
            for name, value in conn.execute(
                "SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = 'public'"
            )
        }
    return counts, sequences


@pytest.mark.django_db(transaction=True)
def test_a_dump_of_the_demo_restores_every_row(tmp_path: Any) -> None:
    require_postgresql()
    if not (shutil.which("pg_dump") and shutil.which("pg_restore")):
        pytest.skip("pg_dump and pg_restore (postgresql-client) are not installed")
    call_command("seed_demo", verbosity=0)
    source = connection.settings_dict["NAME"]
    connection.close()  # the dump sees committed data only; nothing of ours is pending
    dump = tmp_path / "vmeste.dump"
    subprocess.run(
        ["pg_dump", *_pg_args(), "-Fc", "--no-owner", "-f", str(dump), source],
        check=True,
        env=_pg_env(),
        timeout=300,
    )
    target = f"vmeste_restore_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(**_conninfo("postgres"), autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(target)))
    try:
        subprocess.run(
            [
                "pg_restore",
                *_pg_args(),
                "--no-owner",
                "--exit-on-error",
                "-j",
                "2",
                "-d",
                target,
                str(dump),
            ],
            check=True,
            env=_pg_env(),
            timeout=300,
        )
        before_counts, before_sequences = _snapshot(source)
        after_counts, after_sequences = _snapshot(target)
        assert after_counts == before_counts
        assert after_sequences == before_sequences
        # The demo is really there, and the project's own tables are part of the comparison.
        assert before_counts["appeals_appeal"] >= 250
        assert before_counts["organizations_organization"] >= 18
        assert before_counts["ideas_idea"] >= 40
        assert before_counts["core_auditentry"] > 0
        from django.apps import apps

        project_tables = {
            model._meta.db_table
            for model in apps.get_models(include_auto_created=True)
            if model._meta.managed
        }
        assert project_tables <= set(after_counts)
        print(
            f"\nbackup: {len(after_counts)} tables, {sum(after_counts.values())} rows, "
            f"dump {dump.stat().st_size // 1024} KiB"
        )
    finally:
        with psycopg.connect(**_conninfo("postgres"), autocommit=True) as admin:
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
                [target],
            )
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(target)))

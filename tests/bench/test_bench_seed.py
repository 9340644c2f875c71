"""``vmeste bench-seed`` at a tiny scale: row counts, valid references and consistent counters."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connection

from vmeste.appeals.counters import counters_recount, counters_snapshot
from vmeste.bench import seed
from vmeste.ideas.models import Idea, ProjectCounter, Vote, VoteAllowance

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="bench-seed loads with PostgreSQL's COPY; run with DATABASE_URL=postgres://…",
    ),
]


def test_tiny_seed_is_complete_and_consistent() -> None:
    sizes = seed.sizes_for("tiny")
    report = seed.seed("tiny", reset=True, log=lambda _m: None)
    rows = report["rows"]
    assert rows["accounts_user"] == seed.ORGANIZATIONS + sizes.residents
    assert rows["appeals_appeal"] == sizes.appeals
    assert rows["ideas_idea"] == sizes.ideas
    assert rows["organizations_organization"] == seed.ORGANIZATIONS
    assert rows["appeals_category"] == seed.CATEGORIES
    # The counters written in SQL are what the incremental code's full recount produces.
    loaded = counters_snapshot()
    counters_recount()
    assert counters_snapshot() == loaded
    # Denormalised vote and comment numbers match the rows.
    for counter in ProjectCounter.objects.all():
        votes = Vote.objects.filter(project_id=counter.project_id, withdrawn_at__isnull=True)
        assert counter.votes == votes.count()
    for idea in Idea.objects.filter(vote_count__gt=0)[:50]:
        assert idea.vote_count == idea.votes.count()
        assert idea.comment_count == idea.comments.count()
    for allowance in VoteAllowance.objects.all()[:200]:
        used = Vote.objects.filter(project_id=allowance.project_id, user_id=allowance.user_id)
        assert allowance.used == used.count() <= allowance.limit
    # Every foreign key holds (the load ran with triggers off), and sequences continue after it.
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for table in ("ideas_vote", "appeals_appeal", "ideas_comment", "appeals_answer"):
            cursor.execute(f"SELECT max(id) FROM {table}")
            top = cursor.fetchone()[0]
            cursor.execute(f"SELECT nextval(pg_get_serial_sequence('{table}', 'id'))")
            assert cursor.fetchone()[0] == top + 1


def test_foreign_keys_are_valid_after_the_load() -> None:
    seed.seed("tiny", reset=True, log=lambda _m: None)
    checks = [
        ("ideas_vote", "idea_id", "ideas_idea"),
        ("ideas_vote", "user_id", "accounts_user"),
        ("ideas_comment", "parent_id", "ideas_comment"),
        ("ideas_idea", "direction_id", "ideas_direction"),
        ("appeals_appeal", "author_id", "accounts_user"),
        ("appeals_appeal", "organization_id", "organizations_organization"),
        ("appeals_answer", "appeal_id", "appeals_appeal"),
        ("accounts_apitoken", "user_id", "accounts_user"),
    ]
    with connection.cursor() as cursor:
        for table, column, target in checks:
            cursor.execute(
                f"SELECT count(*) FROM {table} t LEFT JOIN {target} x ON x.id = t.{column} "
                f"WHERE t.{column} IS NOT NULL AND x.id IS NULL"
            )
            assert cursor.fetchone()[0] == 0, f"{table}.{column} points nowhere"


def test_command_refuses_to_overwrite_and_reuses() -> None:
    call_command("bench_seed", "--scale", "tiny", "--reset")
    assert seed.is_seeded("tiny")
    with pytest.raises(Exception, match="--reset"):
        call_command("bench_seed", "--scale", "tiny")
    call_command("bench_seed", "--scale", "tiny", "--if-seeded")  # a no-op

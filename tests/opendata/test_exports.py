import datetime as dt
import json

import time_machine
from django.core.management import call_command

from tests.appeals.conftest import answered
from tests.ideas.conftest import day, shortlisted
from vmeste.accounts.models import User
from vmeste.ideas import services as idea_services
from vmeste.opendata.exports import exports_make_period
from vmeste.opendata.models import Export, ExportPeriod
from vmeste.opendata.sweep import opendata_monthly_step


def test_exports_contain_no_personal_data(
    registered, people, project, django_capture_on_commit_callbacks
) -> None:
    alice = people.alice
    alice.first_name, alice.last_name, alice.phone = "Алиса", "Воронцова", "+7 912 345-67-89"
    alice.save()
    with django_capture_on_commit_callbacks(execute=True):
        appeal = registered(
            text="Пишет Алиса Воронцова: протекает крыша, звоните +7 912 345-67-89 или alice@example.org"
        )
    answered(appeal, people)
    idea = shortlisted(project, people, people.bob, "Виртуальный тур по залам")
    with time_machine.travel(day(22), tick=False):
        idea_services.vote_cast(actor=people.alice, idea=idea)
    today = dt.date.today()
    exports = exports_make_period(dt.date(2026, 1, 1), today)
    assert {e.kind for e in exports} == {"appeals", "ideas", "votes", "counters"} and len(
        exports
    ) == 8
    content = "".join(e.file.read().decode("utf-8") for e in exports)
    secrets = set()
    for user in User.objects.all():
        secrets |= {user.email, user.first_name, user.last_name, user.phone}
    secrets |= {"345-67-89", "Воронцова"}
    found = [s for s in secrets if s and len(s) > 3 and s in content]
    assert not found, f"personal data in the exports: {found}"
    appeals = json.loads(Export.objects.get(kind="appeals", fmt="json").file.read())
    assert [a["number"] for a in appeals] == [appeal.number]
    assert appeals[0]["answered_on_time"] is True
    votes = json.loads(Export.objects.get(kind="votes", fmt="json").file.read())
    assert votes[0]["votes"] == 1 and votes[0]["idea_id"] == idea.pk


def test_the_sweep_exports_the_last_month_once_and_the_page_lists_it(
    client, region, django_capture_on_commit_callbacks
) -> None:
    with time_machine.travel(dt.datetime(2026, 12, 2, 10, tzinfo=dt.UTC), tick=False):
        with django_capture_on_commit_callbacks(execute=True) as queued:
            assert opendata_monthly_step() is True
        assert len(queued) == 1  # the export is a task for the worker, not done in the sweep
        assert ExportPeriod.objects.get().finished_at is not None
        assert opendata_monthly_step() is False
    export = Export.objects.get(kind="appeals", fmt="csv")
    assert (export.date_from, export.date_to) == (dt.date(2026, 11, 1), dt.date(2026, 11, 30))
    page = client.get("/opendata/").content.decode()
    assert export.file.url in page and "number" in page


def test_the_command(region, capsys) -> None:
    call_command("opendata_export", "--from", "2026-11-01", "--to", "2026-11-30")
    assert "appeals-2026-11-01-2026-11-30.csv" in capsys.readouterr().out


def test_the_sweep_queues_a_period_once_while_its_export_runs(
    region, django_capture_on_commit_callbacks
) -> None:
    """The export of a month takes minutes: the sweep of the next minute does not queue it again."""
    with time_machine.travel(dt.datetime(2026, 12, 2, 10, tzinfo=dt.UTC), tick=False):
        with django_capture_on_commit_callbacks(execute=False) as queued:
            assert opendata_monthly_step() is True
            assert opendata_monthly_step() is False
        assert len(queued) == 1 and not Export.objects.exists()


def test_streamed_files_are_the_same_as_whole_ones(registered, people, project) -> None:
    """CSV and JSON written row by row equal csv.DictWriter and json.dumps of all rows."""
    import csv
    import io

    from vmeste.opendata.exports import SCHEMAS, SOURCES

    answered(registered(text="Сломаны кресла в третьем ряду."), people)
    registered(text="Протекает крыша в зале.")
    today = dt.date.today()
    for export in exports_make_period(dt.date(2026, 1, 1), today):
        rows = list(SOURCES[export.kind](dt.date(2026, 1, 1), today))
        content = export.file.read()
        if export.fmt == "json":
            assert content == json.dumps(rows, ensure_ascii=False, indent=1).encode()
        else:
            out = io.StringIO()
            writer = csv.DictWriter(out, fieldnames=[c for c, _d in SCHEMAS[export.kind]])
            writer.writeheader()
            writer.writerows(rows)
            assert content == ("\ufeff" + out.getvalue()).encode()
        assert export.rows == len(rows)

import csv
import gzip
import io
import itertools
import json
from pathlib import Path

import pytest
from django.core.management import call_command

from vmeste.appeals.importer import appeals_import
from vmeste.appeals.models import Appeal, Category, DailyCounter

BOSTON = Path(__file__).resolve().parents[3] / "shared" / "data" / "boston311-2015" / "cases.csv.gz"
MAPPING = json.loads(
    (
        Path(__file__).resolve().parents[2] / "docs" / "examples" / "boston311-mapping.json"
    ).read_text()
)

SMALL_MAPPING = {
    "source": "old-crm",
    "id": "id",
    "date_format": "%Y-%m-%d %H:%M",
    "timezone": "Europe/Moscow",
    "fields": {"created_at": "opened", "due_at": "due", "closed_at": "closed", "address": "place"},
    "text": ["text"],
    "category": {"column": "kind", "map": {"ремонт": "building"}},
    "status": {"column": "state", "map": {"закрыто": "closed_auto", "в работе": "in_progress"}},
}
ROWS = [
    ["id", "opened", "due", "closed", "place", "text", "kind", "state"],
    [
        "A-1",
        "2026-03-02 10:00",
        "2026-03-12 18:00",
        "2026-03-05 12:00",
        "ул. Ленина, 12",
        "Протекает крыша в зале музея",
        "ремонт",
        "закрыто",
    ],
    ["A-2", "вчера", "", "", "", "Сломаны кресла в зале", "ремонт", "в работе"],
    [
        "A-3",
        "2026-03-03 10:00",
        "2026-03-13 18:00",
        "",
        "",
        "Грязно в гардеробе театра",
        "уборка",
        "в работе",
    ],
    ["", "2026-03-03 10:00", "", "", "", "Без номера", "ремонт", "в работе"],
    [
        "A-5",
        "2026-03-04 09:00",
        "2026-03-05 18:00",
        "2026-03-10 09:00",
        "",
        "Не работает лифт в библиотеке",
        "ремонт",
        "закрыто",
    ],
]


def write(tmp_path: Path, rows: list[list[str]], *, gz: bool = False) -> Path:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    path = tmp_path / ("cases.csv.gz" if gz else "cases.csv")
    path.write_bytes(
        gzip.compress(buffer.getvalue().encode()) if gz else buffer.getvalue().encode()
    )
    return path


def test_bad_rows_are_reported_by_line_and_skipped(tmp_path, categories) -> None:
    report = appeals_import(write(tmp_path, ROWS), SMALL_MAPPING)
    assert (report.created, sum(report.skipped.values())) == (2, 3)
    assert any(e.startswith("line 3: opened: 'вчера' is not a date") for e in report.errors)
    assert any(e.startswith("line 4: unknown category 'уборка'") for e in report.errors)
    assert any(e.startswith("line 5: no external id") for e in report.errors)
    closed = Appeal.objects.get(external_id="A-1")
    assert closed.status == "closed_auto" and closed.is_answered_on_time is True
    assert closed.created_at.isoformat() == "2026-03-02T07:00:00+00:00"
    assert Appeal.objects.get(external_id="A-5").is_answered_on_time is False


def test_a_second_run_changes_nothing_and_a_changed_row_is_updated(tmp_path, categories) -> None:
    path = write(tmp_path, ROWS, gz=True)
    appeals_import(path, SMALL_MAPPING)
    counters = list(
        DailyCounter.objects.values_list("received", "answered_on_time", "answered_late")
    )
    again = appeals_import(path, SMALL_MAPPING)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert (
        list(DailyCounter.objects.values_list("received", "answered_on_time", "answered_late"))
        == counters
    )
    changed = [row[:] for row in ROWS]
    changed[1][5] = "Протекает крыша в зале музея, уже второй раз"
    third = appeals_import(write(tmp_path, changed), SMALL_MAPPING)
    assert third.updated == 1
    assert Appeal.objects.count() == 2


def test_create_missing_makes_categories_and_the_command_prints_a_summary(
    tmp_path, categories, capsys
) -> None:
    mapping = tmp_path / "mapping.json"
    mapping.write_text(json.dumps(SMALL_MAPPING), encoding="utf-8")
    call_command(
        "import_appeals", str(write(tmp_path, ROWS)), "--mapping", str(mapping), "--create-missing"
    )
    summary = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert summary["created"] == 3 and Category.objects.filter(name="уборка").exists()


@pytest.mark.skipif(not BOSTON.exists(), reason=f"the Boston 311 file is not at {BOSTON}")
def test_boston_counters_agree_with_the_files_on_time_flags(region) -> None:
    report = appeals_import(BOSTON, MAPPING, create_missing=True, limit=1500)
    assert report.created == 1500 and not report.skipped
    with gzip.open(BOSTON, "rt", encoding="utf-8-sig") as handle:
        rows = list(itertools.islice(csv.DictReader(handle), 1500))
    flagged = {
        r["CASE_ENQUIRY_ID"]: r["OnTime_Status"]
        for r in rows
        if r["CASE_STATUS"] == "Closed" and r["CLOSED_DT"] and r["OnTime_Status"]
    }
    ours = dict(
        Appeal.objects.filter(external_id__in=flagged).values_list(
            "external_id", "is_answered_on_time"
        )
    )
    assert {k: ("ONTIME" if v else "OVERDUE") for k, v in ours.items()} == flagged
    totals = DailyCounter.objects.all()
    unflagged_closed = [
        r
        for r in rows
        if r["CASE_STATUS"] == "Closed" and r["CLOSED_DT"] and not r["OnTime_Status"]
    ]
    on_time = sum(t.answered_on_time for t in totals)
    late = sum(t.answered_late for t in totals)
    assert on_time + late == len(flagged) + len(unflagged_closed)
    assert on_time >= sum(1 for v in flagged.values() if v == "ONTIME")

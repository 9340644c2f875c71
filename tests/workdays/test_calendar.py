import datetime as dt

import pytest
from django.core.management import call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vmeste.workdays import calendar as cal
from vmeste.workdays.models import CalendarDay
from vmeste.workdays.sweep import calendar_ensure_next_year

MSK = dt.timezone(dt.timedelta(hours=3))


def at(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=MSK)


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (dt.date(2026, 1, 8), False),  # New Year holidays
        (dt.date(2026, 1, 9), False),  # day off transferred from 3 January
        (dt.date(2026, 1, 12), True),
        (dt.date(2026, 3, 9), False),  # 8 March fell on a Sunday
        (dt.date(2026, 12, 31), False),  # transferred from 4 January
        (dt.date(2027, 2, 20), True),  # a working Saturday, its day off moved to 22 February
        (dt.date(2027, 2, 22), False),
        (dt.date(2027, 2, 21), False),  # an ordinary Sunday
    ],
)
def test_the_shipped_calendar_knows_holidays_and_transfers(calendar, day, working) -> None:
    assert cal.is_working_day(day) is working


def test_eight_working_days_across_the_new_year(calendar) -> None:
    # Registered on Friday 25 December 2026: 28, 29, 30 December, then 11–15 January.
    due = cal.add_working_days(at(2026, 12, 25, 15, 0), 8)
    assert due.astimezone(MSK).date() == dt.date(2027, 1, 15)
    assert due.astimezone(MSK).time() == dt.time.max


def test_a_deadline_never_lands_on_a_day_off(calendar) -> None:
    for offset in range(0, 400, 3):
        start = at(2026, 1, 1, 10) + dt.timedelta(days=offset)
        for days in (1, 2, 5, 8):
            assert cal.is_working_day(cal.add_working_days(start, days).astimezone(MSK).date())


def test_working_time_skips_the_weekend(calendar) -> None:
    assert cal.working_time_between(at(2026, 11, 27, 12), at(2026, 11, 30, 12)) == dt.timedelta(
        hours=24
    )
    assert cal.working_time_between(at(2026, 11, 30, 12), at(2026, 11, 27, 12)) == dt.timedelta(0)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    start=st.datetimes(min_value=dt.datetime(2026, 1, 1), max_value=dt.datetime(2027, 11, 30)),
    hours=st.integers(min_value=1, max_value=300),
)
def test_adding_working_time_is_undone_by_measuring_it(calendar, start, hours) -> None:
    begin = start.replace(tzinfo=MSK)
    end = cal.add_working_hours(begin, hours)
    assert cal.is_working_day(end.astimezone(MSK).date())
    assert cal.working_time_between(begin, end) == dt.timedelta(hours=hours)


def test_an_edited_day_takes_effect(calendar) -> None:
    day = dt.date(2026, 12, 7)
    assert cal.is_working_day(day)
    CalendarDay.objects.create(
        date=day, kind=CalendarDay.Kind.HOLIDAY, name="Региональный праздник"
    )
    cal.calendar_changed()
    assert not cal.is_working_day(day)


@pytest.mark.django_db
def test_load_command_and_the_sweep_keep_next_year(capsys) -> None:
    CalendarDay.objects.all().delete()
    call_command("calendar_load", "2026")
    assert "2026:" in capsys.readouterr().out
    assert CalendarDay.objects.filter(date__year=2026, kind="holiday").count() >= 14
    import time_machine

    with time_machine.travel(dt.datetime(2026, 6, 1, tzinfo=dt.UTC)):
        assert calendar_ensure_next_year() is True
        assert CalendarDay.objects.filter(date=dt.date(2027, 2, 20), kind="workday").exists()
        assert calendar_ensure_next_year() is False

"""Events of institutions: the calendar across institutions and iCal feeds."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from vmeste.core import clock

from .models import Event, Organization


@dataclass
class EventFilters:
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    institution_type: str | None = None
    organization: int | None = None
    free: bool = False
    age: str | None = None


AGE_ORDER = [a.value for a in Event.Age]


def event_list(filters: EventFilters | None = None) -> QuerySet[Event]:
    """Upcoming events (from today, or from ``date_from``), in time order."""
    f = filters or EventFilters()
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(f.date_from or clock.today(), dt.time.min, tz)
    qs = Event.objects.filter(organization__is_active=True, starts_at__gte=start).select_related(
        "organization"
    )
    if f.date_to:
        qs = qs.filter(
            starts_at__lt=dt.datetime.combine(f.date_to + dt.timedelta(days=1), dt.time.min, tz)
        )
    if f.institution_type:
        qs = qs.filter(organization__institution_type=f.institution_type)
    if f.organization:
        qs = qs.filter(organization_id=f.organization)
    if f.free:
        qs = qs.filter(is_free=True)
    if f.age in AGE_ORDER:
        # «Up to 12+»: what a child of that age may attend.
        qs = qs.filter(age_rating__in=AGE_ORDER[: AGE_ORDER.index(f.age) + 1])
    return qs.order_by("starts_at", "id")


def ical(events: Any, *, name: str) -> bytes:
    from icalendar import Calendar
    from icalendar import Event as IcalEvent

    calendar = Calendar()
    calendar.add("prodid", "-//Vmeste//Events//RU")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    now = clock.now()
    host = settings.SITE_URL.split("//")[-1].split("/")[0]
    for event in events:
        item = IcalEvent()
        item.add("uid", f"event-{event.pk}@{host}")
        item.add("dtstamp", now)
        item.add("dtstart", event.starts_at)
        item.add("dtend", event.ends_at or event.starts_at + dt.timedelta(hours=2))
        item.add("summary", f"{event.title} ({event.age_rating})")
        price = "вход свободный" if event.is_free else f"{event.price} ₽"
        item.add(
            "description",
            "\n".join(
                p for p in [event.description, price, event.phone or event.organization.phone] if p
            ),
        )
        item.add("location", f"{event.organization.name}, {event.where}")
        item.add("url", settings.SITE_URL + event.organization.get_absolute_url())
        calendar.add_component(item)
    return calendar.to_ical()


def organization_events(organization: Organization) -> QuerySet[Event]:
    return event_list(EventFilters(organization=organization.pk))

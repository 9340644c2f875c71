from __future__ import annotations

from django import template

from vmeste.appeals.brushoff import reason_text
from vmeste.appeals.models import Status

register = template.Library()


@register.filter
def status_label(value: str) -> str:
    try:
        return str(Status(value).label)
    except ValueError:
        return value


@register.filter
def percent(value: float | None) -> str:
    return "—" if value is None else f"{round(value * 100)} %"


@register.filter
def brushoff_reason(value: str) -> str:
    return reason_text(value)

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from vmeste.core.errors import ValidationFailed

from . import selectors


class CountersForm(forms.Form):
    group = forms.ChoiceField(
        label=_("Group by"),
        required=False,
        choices=[
            ("organization", _("Organization")),
            ("district", _("District")),
            ("category", _("Category")),
        ],
    )
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


def counters_context(request: HttpRequest) -> dict[str, Any]:
    form = CountersForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    group = data.get("group") or "organization"
    date_from: dt.date | None = data.get("date_from")
    date_to: dt.date | None = data.get("date_to")
    try:
        date_from, date_to = selectors.counters_period(date_from, date_to)
    except ValidationFailed as error:
        form.add_error("date_from", str(error.message))
        date_from, date_to = selectors.counters_period(None, None)
    rows, total = selectors.counters_table(group=group, date_from=date_from, date_to=date_to)
    return {
        "form": form,
        "rows": rows,
        "total": total,
        "group": group,
        "date_from": date_from,
        "date_to": date_to,
    }

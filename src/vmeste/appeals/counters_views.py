from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


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

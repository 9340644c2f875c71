from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from vmeste.organizations.models import District, Organization

from .models import AnswerTemplate, Category, Feedback, Status


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiplePhotoField(forms.FileField):
    """Several files in one input; their content is checked by the service, not here."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"})
        )
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        if not data:
            return []
        files = data if isinstance(data, list | tuple) else [data]
        return [super(MultiplePhotoField, self).clean(item, initial) for item in files]


def institutions() -> Any:
    return Organization.objects.filter(kind=Organization.Kind.INSTITUTION, is_active=True).order_by(
        "name"
    )


class AppealForm(forms.Form):
    category = forms.ModelChoiceField(
        label=_("What is the problem about"),
        queryset=Category.objects.filter(is_active=True),
        empty_label=_("Choose a category"),
        error_messages={"invalid_choice": _("Choose a category from the list.")},
    )
    institution_q = forms.CharField(label=_("Find an institution"), required=False, max_length=100)
    institution = forms.ModelChoiceField(
        label=_("Institution"),
        queryset=institutions(),
        required=False,
        empty_label=_("Not about a particular institution"),
        error_messages={"invalid_choice": _("Choose an institution from the directory.")},
    )
    address = forms.CharField(label=_("Address or place"), max_length=300, required=False)
    district = forms.ModelChoiceField(
        label=_("District"),
        queryset=District.objects.all(),
        required=False,
        empty_label=_("I don't know"),
        error_messages={"invalid_choice": _("Choose a district from the list.")},
    )
    latitude = forms.DecimalField(
        label=_("Latitude"),
        required=False,
        min_value=Decimal(-90),
        max_value=Decimal(90),
        max_digits=9,
        decimal_places=6,
    )
    longitude = forms.DecimalField(
        label=_("Longitude"),
        required=False,
        min_value=Decimal(-180),
        max_value=Decimal(180),
        max_digits=9,
        decimal_places=6,
    )
    text = forms.CharField(
        label=_("Describe the problem"),
        widget=forms.Textarea(attrs={"rows": 7}),
        max_length=4000,
        help_text=_(
            "10 to 4000 characters. Do not write phone numbers or names: they are hidden from the public anyway."
        ),
    )
    photos = MultiplePhotoField(label=_("Photos (up to 5, JPEG, PNG or WebP, up to 10 MB each)"))
    consent = forms.BooleanField(
        label=_("I agree to the processing of my personal data for handling this appeal"),
        required=True,
        error_messages={
            "required": _(
                "Without consent to the processing of personal data we cannot accept the appeal."
            )
        },
    )
    idempotency_key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["institution"]).queryset = institutions()
        if not self.is_bound:
            self.initial.setdefault("idempotency_key", uuid.uuid4().hex)


class ResubmitForm(forms.Form):
    text = forms.CharField(
        label=_("Corrected text"), widget=forms.Textarea(attrs={"rows": 6}), max_length=4000
    )
    address = forms.CharField(label=_("Address or place"), max_length=300, required=False)


class ReplyForm(forms.Form):
    text = forms.CharField(
        label=_("Your reply"), widget=forms.Textarea(attrs={"rows": 4}), max_length=4000
    )


class FeedbackForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Is the problem solved?"), choices=Feedback.Kind.choices, widget=forms.RadioSelect
    )
    rating = forms.TypedChoiceField(
        label=_("Rate the answer"),
        coerce=int,
        required=False,
        empty_value=None,
        choices=[("", "—"), *[(n, str(n)) for n in range(5, 0, -1)]],
    )
    comment = forms.CharField(
        label=_("Comment"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=4000,
    )


class PublicFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    category = forms.ModelChoiceField(
        label=_("Category"),
        queryset=Category.objects.filter(is_active=True),
        required=False,
        empty_label=_("All categories"),
    )
    institution = forms.ModelChoiceField(
        label=_("Institution"),
        queryset=institutions(),
        required=False,
        empty_label=_("All institutions"),
    )
    district = forms.ModelChoiceField(
        label=_("District"),
        queryset=District.objects.all(),
        required=False,
        empty_label=_("All districts"),
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Any status")), *Status.choices]
    )
    overdue = forms.BooleanField(label=_("Only overdue"), required=False)


class StaffFilterForm(PublicFilterForm):
    organization = forms.ModelChoiceField(
        label=_("Organization"),
        queryset=Organization.objects.filter(is_active=True),
        required=False,
        empty_label=_("All organizations"),
    )


class ModerateForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        widget=forms.RadioSelect,
        choices=[
            ("register", _("Register")),
            ("return", _("Return to the author")),
            ("reject", _("Reject")),
            ("redirect", _("Redirect outside the platform")),
        ],
    )
    reason = forms.CharField(
        label=_("Reason (shown to the author)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=4000,
    )
    redirected_to = forms.CharField(
        label=_("Authority it is redirected to"), required=False, max_length=300
    )


class QuestionForm(forms.Form):
    question = forms.CharField(
        label=_("Question to the author"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000
    )


class AnswerForm(forms.Form):
    template = forms.ModelChoiceField(
        label=_("Start from a template"),
        queryset=AnswerTemplate.objects.none(),
        required=False,
        empty_label="—",
    )
    text = forms.CharField(
        label=_("Answer"), widget=forms.Textarea(attrs={"rows": 8}), required=False, max_length=4000
    )
    planned_on = forms.DateField(
        label=_("Work planned for (only for a planned answer)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    photos = MultiplePhotoField(label=_("Photos of the result"))

    def __init__(self, *args: Any, category: Category | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from django.db.models import Q

        cast(
            forms.ModelChoiceField, self.fields["template"]
        ).queryset = AnswerTemplate.objects.filter(Q(category=category) | Q(category__isnull=True))


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        widget=forms.RadioSelect,
        choices=[("approve", _("Approve and publish")), ("return", _("Return for rework"))],
    )
    comment = forms.CharField(
        label=_("Comment"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=4000,
    )


class ReassignForm(forms.Form):
    organization = forms.ModelChoiceField(
        label=_("Hand to"), queryset=Organization.objects.filter(is_active=True)
    )
    reason = forms.CharField(label=_("Reason"), max_length=1000)


class BulkAssignForm(ReassignForm):
    appeals = forms.CharField(widget=forms.MultipleHiddenInput, required=False)


class ExtendForm(forms.Form):
    days = forms.IntegerField(label=_("By how many working days"), min_value=1, max_value=15)
    reason = forms.CharField(label=_("Reason"), max_length=1000)

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from vmeste.appeals.forms import MultiplePhotoField
from vmeste.appeals.models import Category
from vmeste.organizations.models import District, Organization

from .models import DISMISS_REASONS, Kind, Signal, Source

# The same words as the appeal form's and the services' (not Django's «Убедитесь, что…»).
TOO_LONG = {"max_length": _("Write at most %(limit_value)s characters.")}


class QueueFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("open", _("Waiting for an operator")), ("all", _("All")), *Signal.Status.choices],
    )
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("Any kind")), *Kind.choices]
    )
    source = forms.ModelChoiceField(
        label=_("Source"),
        required=False,
        queryset=Source.objects.all(),
        empty_label=_("All sources"),
    )
    overdue = forms.BooleanField(label=_("Reaction overdue"), required=False)


class CreateAppealForm(forms.Form):
    category = forms.ModelChoiceField(
        label=_("Category"), queryset=Category.objects.filter(is_active=True), required=False
    )
    institution = forms.ModelChoiceField(
        label=_("Institution"),
        queryset=Organization.objects.filter(kind=Organization.Kind.INSTITUTION, is_active=True),
        required=False,
    )
    district = forms.ModelChoiceField(
        label=_("District"), queryset=District.objects.all(), required=False
    )
    address = forms.CharField(
        label=_("Address"), max_length=300, required=False, error_messages=TOO_LONG
    )
    text = forms.CharField(label=_("Text of the appeal"), widget=forms.Textarea(attrs={"rows": 6}))
    # A private message has no public post that keeps its photo: the operator saves the photo
    # from the chat and attaches it here when the category asks for one.
    photos = MultiplePhotoField(label=_("Photos (up to 5, JPEG, PNG or WebP, up to 10 MB each)"))


class AttachForm(forms.Form):
    number = forms.CharField(label=_("Appeal number"), max_length=20, error_messages=TOO_LONG)
    # Set by the preview's button: attaching may post the appeal's answer in the network at
    # once, so the operator first sees which appeal the number is.
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)


class AnswerForm(forms.Form):
    text = forms.CharField(
        label=_("Answer in the network"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
        error_messages=TOO_LONG,
    )


class DismissForm(forms.Form):
    reason = forms.ChoiceField(label=_("Reason"), choices=list(DISMISS_REASONS.items()))
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=2000,
        error_messages=TOO_LONG,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

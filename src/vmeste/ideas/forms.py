from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from vmeste.organizations.models import Organization

from .models import Direction, Idea, Project, RejectionReason, Report, StageKind


class IdeaForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    direction: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("Direction"),
        queryset=Direction.objects.none(),
        required=False,
        empty_label=_("Choose a direction"),
    )
    institution = forms.ModelChoiceField(
        label=_("Institution"),
        queryset=Organization.objects.filter(kind="institution", is_active=True),
        required=False,
        empty_label=_("Any institution"),
    )
    text = forms.CharField(
        label=_("Describe the idea"),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=20000,
        help_text=_(
            "What should be done, where, and why it matters to residents. 20 to 10,000 characters."
        ),
    )

    def __init__(self, *args: Any, project: Project, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["direction"]
        field.queryset = project.directions.all()
        institutions = project.institutions.all()
        if institutions:
            inst: Any = self.fields["institution"]
            inst.queryset = institutions


class ModerateIdeaForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        widget=forms.RadioSelect,
        choices=[
            ("publish", _("Publish")),
            ("return", _("Return to the author")),
            ("reject", _("Reject")),
        ],
    )
    reason = forms.ChoiceField(
        label=_("Reason of rejection"),
        required=False,
        choices=[("", "—"), *RejectionReason.choices],
    )
    duplicate_of = forms.IntegerField(
        label=_("Number of the original idea (for a duplicate)"),
        required=False,
        min_value=1,
        max_value=2**31,
    )
    note = forms.CharField(
        label=_("Explanation for the author"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
    )


class CommentForm(forms.Form):
    text = forms.CharField(
        label=_("Comment"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000
    )
    parent = forms.IntegerField(
        widget=forms.HiddenInput, required=False, min_value=1, max_value=2**62
    )


class HideForm(forms.Form):
    reason = forms.CharField(
        label=_("Why it is hidden (shown in place of the comment)"), max_length=300
    )


class ReportForm(forms.Form):
    reason = forms.ChoiceField(label=_("What is wrong"), choices=Report.Reason.choices)
    note = forms.CharField(label=_("Details"), required=False, max_length=500)
    comment = forms.IntegerField(
        widget=forms.HiddenInput, required=False, min_value=1, max_value=2**62
    )


class SuggestionForm(forms.Form):
    text = forms.CharField(
        label=_("The text as you propose it"),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=20000,
    )
    comment = forms.CharField(
        label=_("Why this change"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
    )


class SuggestionDecisionForm(forms.Form):
    suggestion = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**62)
    accept = forms.ChoiceField(
        choices=[("yes", _("Accept")), ("no", _("Decline"))],
        widget=forms.RadioSelect,
        label=_("Decision"),
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=500)


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        widget=forms.RadioSelect,
        choices=[
            ("shortlist", _("Select")),
            ("not_selected", _("Do not select")),
            ("merge", _("Merge into another idea")),
        ],
    )
    reason = forms.CharField(
        label=_("Public reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
    )
    merge_into = forms.IntegerField(
        label=_("Number of the idea to merge into"), required=False, min_value=1, max_value=2**31
    )


class ImplementationForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=Idea.Implementation.choices)
    progress = forms.IntegerField(label=_("Progress, %"), min_value=0, max_value=100)
    note = forms.CharField(
        label=_("What happened"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
    )
    photos = forms.FileField(
        label=_("Photos of the result"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )
    milestones = forms.CharField(
        label=_("Milestones, one per line: date | title | done date"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("For example: 2027-03-01 | Contract signed | 2027-02-27"),
        max_length=5000,
    )

    def clean_milestones(self) -> list[tuple[str, dt.date, dt.date | None]]:
        rows = []
        for number, line in enumerate(self.cleaned_data["milestones"].splitlines(), start=1):
            if not line.strip():
                continue
            parts = [p.strip() for p in line.split("|")]
            try:
                due = dt.date.fromisoformat(parts[0])
                done = dt.date.fromisoformat(parts[2]) if len(parts) > 2 and parts[2] else None
                title = parts[1]
            except (ValueError, IndexError):
                raise forms.ValidationError(
                    _(
                        "Line %(n)s: write «YYYY-MM-DD | title», optionally «| YYYY-MM-DD» when done."
                    )
                    % {"n": number}
                ) from None
            if not title:
                raise forms.ValidationError(_("Line %(n)s has no title.") % {"n": number})
            rows.append((title[:200], due, done))
        return rows


class ProjectForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    slug = forms.SlugField(label=_("Address (latin letters)"), max_length=100)
    summary = forms.CharField(label=_("In one sentence"), max_length=300, required=False)
    description = forms.CharField(
        label=_("Description and rules"), widget=forms.Textarea(attrs={"rows": 6}), max_length=20000
    )
    organizer = forms.ModelChoiceField(
        label=_("Organizer"),
        queryset=Organization.objects.filter(is_active=True).exclude(kind="institution"),
    )
    institutions = forms.ModelMultipleChoiceField(
        label=_("Target institutions"),
        queryset=Organization.objects.filter(kind="institution", is_active=True),
        required=False,
    )
    ideas_per_participant = forms.IntegerField(
        label=_("Ideas per participant"), min_value=1, max_value=50, initial=3
    )
    votes_per_participant = forms.IntegerField(
        label=_("Votes per participant"), min_value=1, max_value=100, initial=3
    )
    participation = forms.ChoiceField(
        label=_("Who may take part"), choices=Project.Participation.choices
    )
    winner_rule = forms.ChoiceField(label=_("Winner rule"), choices=Project.WinnerRule.choices)
    cover = forms.FileField(
        label=_("Cover (JPEG, PNG or WebP)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )
    winners_count = forms.IntegerField(
        label=_("Number of winners (N)"), min_value=1, max_value=500, initial=5
    )
    directions = forms.CharField(
        label=_("Directions, one per line: name | description"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=10000,
    )
    criteria = forms.CharField(
        label=_("Expert criteria, one per line: name | weight | maximum score"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=5000,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for kind, label in StageKind.choices:
            self.fields[f"stage_{kind}_start"] = forms.DateTimeField(
                label=_("%(stage)s: starts") % {"stage": label},
                required=kind == StageKind.PROPOSE,
                widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
            )
            if kind not in {StageKind.RESULTS, StageKind.IMPLEMENTATION}:
                self.fields[f"stage_{kind}_end"] = forms.DateTimeField(
                    label=_("%(stage)s: ends") % {"stage": label},
                    required=False,
                    widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
                )

    def clean_directions(self) -> list[tuple[str, str]]:
        rows = []
        for line in self.cleaned_data["directions"].splitlines():
            if line.strip():
                name, _sep, description = line.partition("|")
                rows.append((name.strip()[:200], description.strip()))
        return rows

    def clean_criteria(self) -> list[tuple[str, Decimal, int]]:
        rows = []
        for number, line in enumerate(self.cleaned_data["criteria"].splitlines(), start=1):
            if not line.strip():
                continue
            parts = [p.strip() for p in line.split("|")]
            try:
                weight = Decimal(parts[1]) if len(parts) > 1 and parts[1] else Decimal(1)
                scale = int(parts[2]) if len(parts) > 2 and parts[2] else 10
            except (InvalidOperation, ValueError):
                raise forms.ValidationError(
                    _("Line %(n)s: write «name | weight | maximum score».") % {"n": number}
                ) from None
            if not (Decimal(0) <= weight <= Decimal(100)) or not 1 <= scale <= 100:
                raise forms.ValidationError(
                    _("Line %(n)s: the weight is 0–100 and the maximum score 1–100.")
                    % {"n": number}
                )
            rows.append((parts[0][:200], weight, scale))
        return rows

    def stages(self) -> dict[str, tuple[dt.datetime, dt.datetime | None]]:
        out = {}
        for kind in StageKind.values:
            start = self.cleaned_data.get(f"stage_{kind}_start")
            if start:
                out[kind] = (start, self.cleaned_data.get(f"stage_{kind}_end"))
        return out


class AssignExpertForm(forms.Form):
    expert: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("Expert"), queryset=Direction.objects.none()
    )
    direction = forms.ModelChoiceField(
        label=_("Direction"),
        queryset=Direction.objects.none(),
        required=False,
        empty_label=_("— or one idea —"),
    )
    idea = forms.IntegerField(
        label=_("Number of the idea"), required=False, min_value=1, max_value=2**31
    )

    def __init__(self, *args: Any, project: Project, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from vmeste.accounts.models import User

        expert: Any = self.fields["expert"]
        expert.queryset = (
            User.objects.filter(roles__kind="expert", is_active=True)
            .distinct()
            .order_by("display_name")
        )
        direction: Any = self.fields["direction"]
        direction.queryset = project.directions.all()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("direction") and not data.get("idea"):
            raise forms.ValidationError(_("Choose a direction or give the number of an idea."))
        return data


class RewardForm(forms.Form):
    what = forms.CharField(label=_("Reward"), max_length=200)
    handed_over = forms.BooleanField(label=_("Already handed over"), required=False)

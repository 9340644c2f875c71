from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from vmeste.organizations.models import District

from .models import NotificationKind, User


class SignupForm(forms.Form):
    """Fields allauth's sign-up form gets in addition to e-mail and password."""

    display_name = forms.CharField(
        label=_("Display name"),
        max_length=80,
        required=False,
        help_text=_("Shown next to your ideas and comments. You can leave it empty."),
    )
    personal_data_consent = forms.BooleanField(
        label=_("I agree to the processing of my personal data"),
        required=True,
        error_messages={"required": _("Without this consent we cannot create an account.")},
    )
    # A field people never see: bots that fill every input give themselves away.
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    field_order = ["email", "password1", "password2", "display_name", "personal_data_consent"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A short proof-of-work against sign-up bots (core/pow.py), when VMESTE_POW is on.
        from vmeste.core.pow import add_field

        add_field(self)

    def clean_website(self) -> str:
        if self.cleaned_data.get("website"):
            raise forms.ValidationError(_("This field must stay empty."))
        return ""

    def signup(self, request: Any, user: User) -> None:
        # allauth calls this after the user is saved; the adapter records the consent.
        pass


class ProfileForm(forms.Form):
    display_name = forms.CharField(label=_("Display name"), max_length=80, required=False)
    district = forms.ModelChoiceField(
        label=_("My district"), queryset=District.objects.all(), required=False
    )
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
    email_off = forms.MultipleChoiceField(
        label=_("Do not e-mail me about"),
        choices=NotificationKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    site_off = forms.MultipleChoiceField(
        label=_("Do not notify me on the site about"),
        choices=NotificationKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    @classmethod
    def for_user(cls, user: User) -> ProfileForm:
        off = user.notifications_off or {}
        return cls(
            initial={
                "display_name": user.display_name,
                "district": user.district,
                "language": user.language,
                "email_off": off.get("email", []),
                "site_off": off.get("site", []),
            }
        )


class DeleteAccountForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    confirm = forms.BooleanField(
        label=_("I understand that the account cannot be restored"), required=True
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("The password is not correct."))
        return password

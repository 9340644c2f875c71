from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from vmeste.core import clock
from vmeste.core.http import signed_in

from . import services
from .forms import DeleteAccountForm, ProfileForm


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    user = signed_in(request)
    form = ProfileForm(request.POST) if request.method == "POST" else ProfileForm.for_user(user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.profile_update(
            user=user,
            display_name=data["display_name"],
            district=data["district"],
            notifications_off={"email": data["email_off"], "site": data["site_off"]},
            language=data["language"],
        )
        translation.activate(data["language"])
        messages.success(request, _("Your settings are saved."))
        response = redirect("accounts:profile")
        response.set_cookie("django_language", data["language"], samesite="Lax")
        return response
    return render(
        request,
        "accounts/profile.html",
        {
            "form": form,
            "consents": user.consents.all(),
            "roles": user.roles.select_related("organization"),
        },
    )


@login_required
def data_download(request: HttpRequest) -> HttpResponse:
    user = signed_in(request)
    data = services.account_export(actor=user, user=user)
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2, cls=DjangoJSONEncoder),
        content_type="application/json; charset=utf-8",
    )
    filename = f"vmeste-my-data-{clock.today():%Y-%m-%d}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def account_delete(request: HttpRequest) -> HttpResponse:
    user = signed_in(request)
    form = DeleteAccountForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        services.account_delete(actor=user, user=user, reason="self-service")
        logout(request)
        messages.success(
            request, _("Your account is deleted. What you wrote stays, without your name.")
        )
        return redirect("home")
    return render(request, "accounts/delete.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def api_tokens(request: HttpRequest) -> HttpResponse:
    """Personal access tokens for the API and Open311: create (the key is shown once) and revoke."""
    from vmeste.core.errors import DomainError

    from . import tokens

    user = signed_in(request)
    new_key = None
    if request.method == "POST":
        try:
            if request.POST.get("revoke"):
                raw = request.POST.get("revoke", "")
                token = (
                    user.api_tokens.filter(pk=int(raw)).first()
                    if raw.isdigit() and len(raw) < 12
                    else None
                )
                if token is not None:
                    tokens.token_revoke(user=user, token=token)
                    messages.success(request, _("The token is revoked."))
            else:
                _token, new_key = tokens.token_create(
                    user=user, name=request.POST.get("name", "")[:200]
                )
        except DomainError as error:
            messages.error(request, str(error.message))
    return render(
        request, "accounts/tokens.html", {"tokens": user.api_tokens.all(), "new_key": new_key}
    )

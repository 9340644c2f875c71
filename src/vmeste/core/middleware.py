from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _

# A NUL byte is never part of legitimate input, and PostgreSQL refuses to store one: turn it away at
# the door with a clear message instead of failing deep inside a query.
_QUERY_MARKERS = (b"\x00", b"%00")
_JSON_MARKERS = (b"\x00", b"\\u0000")


def bad_request(request: HttpRequest, code: str, message: str) -> HttpResponse:
    """A 400 that says what was wrong: the API's error envelope, or the error page."""
    if request.path.startswith(("/api/", "/open311/")):
        return JsonResponse(
            {"error": {"code": code, "message": message, "details": {}}}, status=400
        )
    return render(request, "core/error.html", {"message": message}, status=400)


class RejectNulMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self._has_nul(request):
            return bad_request(
                request,
                "invalid_characters",
                _("The request contains a NUL character, which is not allowed in any field."),
            )
        return self.get_response(request)

    @staticmethod
    def _has_nul(request: HttpRequest) -> bool:
        raw_query = request.META.get("QUERY_STRING", "").encode("latin-1", "replace")
        if any(marker in raw_query for marker in _QUERY_MARKERS) or "\x00" in request.path:
            return True
        content_type = request.META.get("CONTENT_TYPE", "")
        if content_type.startswith("multipart/"):
            return False  # files may contain any bytes; text fields are checked by the forms
        try:
            body = request.body
        except Exception:
            return False
        markers = _JSON_MARKERS if "json" in content_type else _QUERY_MARKERS
        return any(marker in body for marker in markers)


class LanguageMiddleware(LocaleMiddleware):
    """Pages are in Russian unless the visitor chose English; the API follows Accept-Language.

    A browser's language list says little about a resident of a Russian region, so pages switch only
    on an explicit choice (the language cookie set by the switch in the header). API clients are
    programs that say what they want, and get error messages in that language.
    """

    def process_request(self, request: HttpRequest) -> None:
        if request.path.startswith(("/api/", "/open311/")):
            super().process_request(request)
            return
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class DomainErrorMiddleware:
    """A domain error that escapes a page view becomes the page it means, never a server error."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        from django.contrib.auth.views import redirect_to_login

        from .errors import DomainError, Forbidden, NotAuthenticated, NotFound
        from .outage import ServiceUnavailable, is_outage, outage_response

        if is_outage(exception) or isinstance(exception, ServiceUnavailable):
            # The database or the storage is down: a retryable 503 page, never a 500.
            return outage_response(request, exception)
        if isinstance(exception, OverflowError):
            # An id of twenty digits in a form or a filter: SQLite cannot even bind it (Django
            # checks the range of = and < lookups, not of IN, which the choice fields and the
            # admin's widgets use). Nothing was read or written.
            return bad_request(
                request, "number_too_large", _("A number in the request is too large.")
            )
        if not isinstance(exception, DomainError):
            return None
        if isinstance(exception, NotAuthenticated):
            return redirect_to_login(request.get_full_path())
        if isinstance(exception, NotFound):
            return render(request, "404.html", status=404)
        if isinstance(exception, Forbidden):
            return render(request, "403.html", status=403)
        return render(
            request, "core/error.html", {"message": str(exception.message)}, status=exception.status
        )


class StaffTwoFactorMiddleware:
    """Staff pages need a second factor: staff without TOTP are sent to set it up first.

    On with ``VMESTE_STAFF_2FA`` (the default in production; off in the demo so its logins work at once).
    """

    PREFIXES = ("/staff/", "/admin/", "/projects/moderation/", "/projects/new/")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            settings.VMESTE_STAFF_2FA
            and request.path.startswith(self.PREFIXES)
            and self._needs_second_factor(request)
        ):
            from django.contrib import messages
            from django.shortcuts import redirect

            messages.warning(
                request,
                _("Staff pages need two-factor authentication: set up an authenticator app first."),
            )
            return redirect("mfa_activate_totp")
        return self.get_response(request)

    @staticmethod
    def _needs_second_factor(request: HttpRequest) -> bool:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return False
        from allauth.mfa.models import Authenticator

        from vmeste.accounts.roles import is_staff_member

        is_staff = (
            user.is_staff or getattr(user, "is_platform_admin", False) or is_staff_member(user)
        )
        return (
            is_staff
            and not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
        )

"""The JSON API at ``/api/v1/``: one NinjaAPI, one error envelope.

Every error, whatever raised it, reaches the caller as::

    {"error": {"code": "not_found", "message": "…in the caller's language…", "details": {}}}
"""

import logging
import threading
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import django_auth
from ninja.throttling import BaseThrottle, SimpleRateThrottle

from .errors import DomainError

logger = logging.getLogger(__name__)


class ErrorBody(Schema):
    code: str
    message: str
    details: dict[str, Any]


class ErrorOut(Schema):
    error: ErrorBody


def _token_auth() -> Any:
    from vmeste.accounts.tokens import TokenAuth

    return TokenAuth()


# Every authenticated operation accepts a personal access token or the browser's session.
API_AUTH = [_token_auth(), django_auth]

# Declared on every operation so that the OpenAPI document lists the answers a client can get.
# 503: the database or the file storage is unavailable; retry later (with the same idempotency key).
ERRORS: dict[int, type[Schema]] = {
    400: ErrorOut,
    404: ErrorOut,
    422: ErrorOut,
    429: ErrorOut,
    503: ErrorOut,
}
AUTH_ERRORS: dict[int, type[Schema]] = {**ERRORS, 401: ErrorOut, 403: ErrorOut}


class CallerThrottle(BaseThrottle):
    """A sliding-window limit per token, signed-in person or IP address; rates come from settings."""

    def __init__(self, setting: str, *, callers_only: bool = False) -> None:
        self.setting = setting
        self.callers_only = callers_only
        # One window per thread: ninja asks allow_request() and then wait() of the same object.
        self._local = threading.local()

    @property
    def _window(self) -> SimpleRateThrottle:
        window = getattr(self._local, "window", None)
        if window is None:
            window = self._local.window = SimpleRateThrottle(rate="1/s")
        return window

    def allow_request(self, request: HttpRequest) -> bool:
        from django.conf import settings

        window = self._window
        window.rate = getattr(settings, self.setting)
        window.num_requests, window.duration = window.parse_rate(window.rate)
        token_id = getattr(request, "api_token_id", None)
        user = getattr(request, "user", None)
        if token_id:
            ident = f"token:{token_id}"
        elif user is not None and user.is_authenticated:
            ident = f"user:{user.pk}"
        elif self.callers_only:
            return True
        else:
            ident = f"ip:{self.get_ident(request)}"
        window.get_cache_key = lambda request: f"vmeste_throttle_{self.setting}_{ident}"  # type: ignore[method-assign]
        return window.allow_request(request)

    def wait(self) -> float | None:
        return self._window.wait()


class VmesteAPI(NinjaAPI):
    """Every operation's document lists every error a client can get, in the one envelope."""

    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        document = super().get_openapi_schema(*args, **kwargs)
        error = {
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}
        }
        descriptions = {
            "400": "Bad request",
            "401": "Not signed in",
            "403": "Forbidden",
            "404": "Not found",
            "409": "Conflict with the current state",
            "422": "Invalid input",
            "429": "Too many requests",
        }
        for operations in document.get("paths", {}).values():
            for operation in operations.values():
                wanted = ["400", "404", "422", "429"]
                if operation.get("security"):
                    wanted += ["401", "403"]
                responses = operation.setdefault("responses", {})
                for code in wanted:
                    responses.setdefault(code, {"description": descriptions[code], **error})
        return document


api = VmesteAPI(
    title="Vmeste API",
    version="1",
    description=(
        "The public API of the Vmeste platform: organizations, ideas, appeals and signals. "
        'Errors always come as `{"error": {"code", "message", "details"}}`, '
        "with the message in the language of `Accept-Language`."
    ),
    urls_namespace="api",
    throttle=[
        CallerThrottle("API_RATE_PER_IP"),
        CallerThrottle("API_RATE_PER_CALLER", callers_only=True),
    ],
)


def envelope(
    request: HttpRequest,
    status: int,
    code: str,
    message: str,
    details: dict[str, Any] | None = None,
) -> HttpResponse:
    return api.create_response(
        request,
        {"error": {"code": code, "message": message, "details": details or {}}},
        status=status,
    )


_PYDANTIC_MESSAGES = {
    "missing": lambda ctx: _("This field is required."),
    "string_too_short": lambda ctx: (
        _("The value is too short (at least %(n)s characters).") % {"n": ctx.get("min_length")}
    ),
    "string_too_long": lambda ctx: (
        _("The value is too long (at most %(n)s characters).") % {"n": ctx.get("max_length")}
    ),
    "int_parsing": lambda ctx: _("Enter a whole number."),
    "int_type": lambda ctx: _("Enter a whole number."),
    "float_parsing": lambda ctx: _("Enter a number."),
    "bool_parsing": lambda ctx: _("Enter true or false."),
    "greater_than_equal": lambda ctx: _("The value must be at least %(n)s.") % {"n": ctx.get("ge")},
    "less_than_equal": lambda ctx: _("The value must be at most %(n)s.") % {"n": ctx.get("le")},
    "string_type": lambda ctx: _("Enter text."),
    "enum": lambda ctx: _("Choose one of: %(values)s.") % {"values": ctx.get("expected")},
    "literal_error": lambda ctx: _("Choose one of: %(values)s.") % {"values": ctx.get("expected")},
    "datetime_parsing": lambda ctx: _("Enter a date and time in ISO 8601 format."),
    "date_parsing": lambda ctx: _("Enter a date as YYYY-MM-DD."),
    "json_invalid": lambda ctx: _("The request body is not valid JSON."),
}


def _field_errors(errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    result = []
    for error in errors:
        kind = str(error.get("type", ""))
        make = _PYDANTIC_MESSAGES.get(kind)
        message = make(error.get("ctx") or {}) if make else str(error.get("msg", kind))
        loc = [str(part) for part in error.get("loc", [])]
        result.append({"field": ".".join(loc), "code": kind, "message": message})
    return result


@api.exception_handler(DomainError)
def _domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    response = envelope(request, exc.status, exc.code, str(exc.message), exc.details)
    if exc.status == 503:
        from .outage import RETRY_AFTER_SECONDS

        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


@api.exception_handler(ValidationError)
def _validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return envelope(
        request,
        422,
        "validation_error",
        _("Some fields are filled in incorrectly."),
        {"errors": _field_errors(list(exc.errors))},
    )


@api.exception_handler(AuthenticationError)
def _authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return envelope(request, 401, "not_authenticated", _("Please sign in first."))


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    codes = {
        400: "bad_request",
        401: "not_authenticated",
        403: "forbidden",
        404: "not_found",
        405: "method_not_allowed",
        429: "rate_limited",
    }
    return envelope(request, exc.status_code, codes.get(exc.status_code, "error"), str(exc))


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return envelope(request, 404, "not_found", _("Nothing was found at this address."))


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return envelope(request, 403, "forbidden", _("You are not allowed to do this."))


@api.exception_handler(Exception)
def _unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
    from .outage import is_outage, outage_response

    if is_outage(exc):
        # The database or the storage is down: retryable, so 503 with Retry-After, never 500.
        return outage_response(request, exc)
    logger.exception("unhandled error in %s %s", request.method, request.path)
    return envelope(
        request, 500, "internal_error", _("Something went wrong on our side; please try again.")
    )


class PingOut(Schema):
    status: str


@api.get("/ping", response=PingOut, tags=["platform"], summary="Liveness check")
def ping(request: HttpRequest) -> dict[str, str]:
    """The cheapest answer the server gives: the floor that benchmarks compare against."""
    return {"status": "ok"}


api.add_router("/", "vmeste.organizations.api.router", tags=["organizations"])
api.add_router("/", "vmeste.accounts.api.router", tags=["accounts"])
api.add_router("/", "vmeste.appeals.api.router", tags=["appeals"])
api.add_router("/", "vmeste.ideas.api.router", tags=["ideas"])
api.add_router("/", "vmeste.signals.api.router", tags=["signals"])

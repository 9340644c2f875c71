"""The JSON API at ``/api/v1/``: one NinjaAPI, one error envelope.

Every error, whatever raised it, reaches the caller as::

    {"error": {"code": "not_found", "message": "…in the caller's language…", "details": {}}}
"""

import logging
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError

from .errors import DomainError

logger = logging.getLogger(__name__)


class ErrorBody(Schema):
    code: str
    message: str
    details: dict[str, Any]


class ErrorOut(Schema):
    error: ErrorBody


# Declared on every operation so that the OpenAPI document lists the answers a client can get.
ERRORS: dict[int, type[Schema]] = {400: ErrorOut, 404: ErrorOut, 422: ErrorOut}
AUTH_ERRORS: dict[int, type[Schema]] = {**ERRORS, 401: ErrorOut, 403: ErrorOut}

api = NinjaAPI(
    title="Vmeste API",
    version="1",
    description=(
        "The public API of the Vmeste platform: organizations, ideas, appeals and signals. "
        'Errors always come as `{"error": {"code", "message", "details"}}`, '
        "with the message in the language of `Accept-Language`."
    ),
    urls_namespace="api",
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
    return envelope(request, exc.status, exc.code, str(exc.message), exc.details)


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

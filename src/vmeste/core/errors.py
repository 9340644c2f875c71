"""Domain errors.

Services raise these; views turn them into a message on the page and the API turns them into the
error envelope ``{"error": {"code", "message", "details"}}``. Messages are lazy translations, so the
caller sees them in the language of their request.
"""

from __future__ import annotations

from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    """A rule of the domain refused the operation."""

    code = "invalid"
    status = 400
    default_message: str | Promise = _("The request cannot be carried out.")

    def __init__(
        self,
        message: str | Promise | None = None,
        *,
        code: str | None = None,
        details: dict[str, Any] | None = None,
    ) -> None:
        self.message = message if message is not None else self.default_message
        if code:
            self.code = code
        self.details = details or {}
        super().__init__(str(self.message))

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": str(self.message), "details": self.details}


class ValidationFailed(DomainError):
    code = "validation_error"
    status = 422
    default_message = _("Some fields are filled in incorrectly.")


class NotFound(DomainError):
    code = "not_found"
    status = 404
    default_message = _("Nothing was found at this address.")


class Forbidden(DomainError):
    code = "forbidden"
    status = 403
    default_message = _("You are not allowed to do this.")


class NotAuthenticated(DomainError):
    code = "not_authenticated"
    status = 401
    default_message = _("Please sign in first.")


class Conflict(DomainError):
    code = "conflict"
    status = 409
    default_message = _("The object has changed in the meantime; reload it and try again.")


class TransitionNotAllowed(Conflict):
    code = "transition_not_allowed"
    default_message = _("This change of status is not allowed now.")


class FieldErrors:
    """Collects every problem of a submission, so the person sees them all at once."""

    def __init__(self) -> None:
        self.errors: list[dict[str, str]] = []

    def add(self, field: str, message: str, code: str = "invalid") -> None:
        self.errors.append({"field": field, "code": code, "message": message})

    def raise_if_any(self) -> None:
        if self.errors:
            raise ValidationFailed(details={"errors": self.errors})

"""Helpers shared by the page views: a service's refusal shown on the form that caused it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms

from .errors import DomainError, ValidationFailed


def apply_errors(
    form: forms.Form, error: ValidationFailed, aliases: dict[str, str] | None = None
) -> None:
    """Show a service's field errors on the form, next to the fields they belong to."""
    aliases = aliases or {}
    errors = error.details.get("errors") or []
    if not errors:
        form.add_error(None, str(error.message))
    for item in errors:
        field = aliases.get(item["field"], item["field"])
        form.add_error(field if field in form.fields else None, item["message"])


def run_service(form: Any, call: Callable[[], Any]) -> Any:
    """Call a service; its refusal becomes form errors (the form keeps what the person typed)."""
    try:
        return call()
    except ValidationFailed as error:
        apply_errors(form, error)
    except DomainError as error:
        form.add_error(None, str(error.message))
    return None

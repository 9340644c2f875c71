from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def get_item(mapping: dict[str, Any], key: str) -> Any:
    return mapping.get(key) if isinstance(mapping, dict) else None


@register.filter
def idea_status(value: str) -> str:
    from vmeste.ideas.models import IdeaStatus

    try:
        return str(IdeaStatus(value).label)
    except ValueError:
        return value


@register.filter
def masked(value: str) -> str:
    """Phones and e-mails in residents' public text replaced by placeholders."""
    from vmeste.appeals.masking import mask_contacts

    return mask_contacts(str(value or ""))

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from .models import Notification


def unread(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from vmeste.accounts.models import Role
    from vmeste.accounts.roles import has_role, is_staff_member

    return {
        "unread_notifications": Notification.objects.filter(
            user=user, read_at__isnull=True
        ).count(),
        "is_staff_member": is_staff_member(user) or getattr(user, "is_platform_admin", False),
        "is_operator": has_role(user, Role.Kind.OPERATOR)
        or getattr(user, "is_platform_admin", False),
    }

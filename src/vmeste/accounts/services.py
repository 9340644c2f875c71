"""Writes about people: consents, profiles, roles, data download and account deletion."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from vmeste.core import clock
from vmeste.core.audit import audit_record
from vmeste.core.errors import Conflict, ValidationFailed
from vmeste.core.models import AuditEntry
from vmeste.core.permissions import require
from vmeste.organizations.models import District, Organization

from .models import Consent, Role, User
from .roles import forget_roles

# Other apps add what they hold about a person (ideas, appeals…) to the download and to deletion.
DataSection = Callable[[User], Any]
Anonymizer = Callable[[User], None]
_EXPORT_SECTIONS: dict[str, DataSection] = {}
_ANONYMIZERS: list[Anonymizer] = []


def register_data_section(name: str, section: DataSection) -> None:
    _EXPORT_SECTIONS[name] = section


def register_anonymizer(anonymizer: Anonymizer) -> None:
    _ANONYMIZERS.append(anonymizer)


@transaction.atomic
def consent_record(
    *, user: User, version: str | None = None, ip_address: str | None = None
) -> Consent:
    """Record that ``user`` accepted the personal-data text ``version`` (the current one by default)."""
    consent = Consent.objects.create(
        user=user,
        kind=Consent.Kind.PERSONAL_DATA,
        version=version or settings.PERSONAL_DATA_CONSENT_VERSION,
        given_at=clock.now(),
        ip_address=ip_address,
    )
    audit_record(actor=user, action="consent.given", target=user, to_state=consent.version)
    return consent


@transaction.atomic
def profile_update(
    *,
    user: User,
    display_name: str,
    district: District | None,
    notifications_off: dict[str, list[str]],
    language: str,
) -> User:
    """Change what the resident may change about themself; the old values go to the audit log."""
    before = {
        "display_name": user.display_name,
        "district": user.district_id,
        "notifications_off": user.notifications_off,
        "language": user.language,
    }
    user.display_name = display_name.strip()
    user.district = district
    user.notifications_off = notifications_off
    user.language = language
    user.save(update_fields=["display_name", "district", "notifications_off", "language"])
    after = {
        "display_name": user.display_name,
        "district": user.district_id,
        "notifications_off": user.notifications_off,
        "language": user.language,
    }
    changed = {key: [before[key], after[key]] for key in before if before[key] != after[key]}
    if changed:
        audit_record(actor=user, action="profile.updated", target=user, data={"changed": changed})
    return user


@transaction.atomic
def role_grant(
    *, actor: Any, user: User, organization: Organization, kind: str, reason: str = ""
) -> Role:
    """Give ``user`` the role ``kind`` in ``organization`` (and so in its subtree)."""
    require(actor, "role.grant", (organization, kind))
    if kind not in Role.Kind.values:
        raise ValidationFailed(_("Unknown role."))
    role, created = Role.objects.get_or_create(
        user=user,
        organization=organization,
        kind=kind,
        defaults={"granted_by": actor if getattr(actor, "is_authenticated", False) else None},
    )
    if not created:
        raise Conflict(_("This person already holds this role here."))
    forget_roles(user)
    audit_record(
        actor=actor,
        action="role.granted",
        target=user,
        to_state=kind,
        reason=reason,
        data={"organization": organization.pk},
    )
    return role


@transaction.atomic
def role_revoke(*, actor: Any, role: Role, reason: str = "") -> None:
    require(actor, "role.grant", (role.organization, role.kind))
    user = role.user
    audit_record(
        actor=actor,
        action="role.revoked",
        target=user,
        from_state=role.kind,
        reason=reason,
        data={"organization": role.organization_id},
    )
    role.delete()
    forget_roles(user)


def account_export(*, actor: Any, user: User) -> dict[str, Any]:
    """Everything the platform holds about ``user``, as one JSON-ready document."""
    require(actor, "account.view_own_data", user)
    data: dict[str, Any] = {
        "format": "vmeste-personal-data/1",
        "exported_at": clock.now().isoformat(),
        "account": {
            "id": user.pk,
            "email": user.email,
            "display_name": user.display_name,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "phone": user.phone,
            "district": user.district.name if user.district else None,
            "language": user.language,
            "notifications_off": user.notifications_off,
            "date_joined": user.date_joined.isoformat(),
            "last_login": user.last_login.isoformat() if user.last_login else None,
        },
        "email_addresses": [
            {"email": address.email, "verified": address.verified, "primary": address.primary}
            for address in EmailAddress.objects.filter(user=user)
        ],
        "consents": [
            {
                "kind": consent.kind,
                "version": consent.version,
                "given_at": consent.given_at.isoformat(),
                "withdrawn_at": consent.withdrawn_at.isoformat() if consent.withdrawn_at else None,
            }
            for consent in user.consents.all()
        ],
        "roles": [
            {"role": role.kind, "organization": str(role.organization)}
            for role in user.roles.select_related("organization")
        ],
        "history": [
            {
                "at": entry.at.isoformat(),
                "action": entry.action,
                "from": entry.from_state,
                "to": entry.to_state,
                "reason": entry.reason,
            }
            for entry in AuditEntry.objects.filter(actor=user).order_by("at", "id")
        ],
    }
    for name, section in _EXPORT_SECTIONS.items():
        data[name] = section(user)
    return data


@transaction.atomic
def account_delete(*, actor: Any, user: User, reason: str = "") -> User:
    """Delete the account: the person can no longer sign in and nothing identifies them.

    What they wrote stays, under «Deleted account». Consents are kept as proof and marked withdrawn.
    """
    require(actor, "account.delete", user)
    if user.anonymized_at:
        raise Conflict(_("This account has already been deleted."))
    now = clock.now()
    audit_record(actor=actor, action="account.deleted", target=user, reason=reason)
    for anonymizer in _ANONYMIZERS:
        anonymizer(user)
    EmailAddress.objects.filter(user=user).delete()
    Authenticator.objects.filter(user=user).delete()
    user.roles.all().delete()
    user.consents.filter(withdrawn_at__isnull=True).update(withdrawn_at=now)
    user.email = f"deleted-{user.pk}@deleted.invalid"
    user.display_name = ""
    user.first_name = ""
    user.last_name = ""
    user.phone = ""
    user.district = None
    user.notifications_off = {}
    user.is_active = False
    user.is_staff = False
    user.is_superuser = False
    user.is_platform_admin = False
    user.anonymized_at = now
    user.set_unusable_password()
    user.save()
    # Labels in the audit log were written with the public name, never the contacts; make sure.
    AuditEntry.objects.filter(actor=user).update(actor_label="")
    forget_roles(user)
    return user

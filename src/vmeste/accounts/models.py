"""Residents and staff on one user model; roles held per organization; consents."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils.translation import gettext_lazy as _

from vmeste.core import clock


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        if not email:
            raise ValueError("an e-mail address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.update(is_staff=True, is_superuser=True, is_platform_admin=True)
        return self.create_user(email, password, **extra)


class NotificationKind(models.TextChoices):
    """Kinds of notifications a person can opt out of, per channel."""

    STATUS = "status", _("Changes of status of my ideas and appeals")
    ANSWERS = "answers", _("Answers to my appeals")
    COMMENTS = "comments", _("Replies to my comments")
    FOLLOWED = "followed", _("News of what I follow")
    DIGEST = "digest", _("Weekly digest of new projects")


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(_("e-mail"), unique=True)
    display_name = models.CharField(
        _("display name"),
        max_length=80,
        blank=True,
        help_text=_("Shown next to your ideas and comments. Leave empty to stay «Resident»."),
    )
    first_name = models.CharField(_("first name"), max_length=80, blank=True)
    last_name = models.CharField(_("last name"), max_length=80, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    district = models.ForeignKey(
        "organizations.District",
        verbose_name=_("district"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Opted-out kinds per channel: {"email": ["digest"], "site": []}.
    notifications_off = models.JSONField(_("notifications turned off"), default=dict, blank=True)
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default="ru"
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(
        _("may open the admin site"),
        default=False,
        help_text=_("Staff who may use the Django admin pages."),
    )
    is_platform_admin = models.BooleanField(
        _("platform admin"),
        default=False,
        help_text=_("May do everything: organizations, categories, calendars, connectors."),
    )
    date_joined = models.DateTimeField(_("joined"), default=clock.now)
    anonymized_at = models.DateTimeField(_("account deleted"), null=True, blank=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.public_name

    @property
    def public_name(self) -> str:
        """The name others see: never the e-mail or phone."""
        if self.anonymized_at:
            return str(_("Deleted account"))
        return self.display_name or str(_("Resident"))

    def wants(self, kind: str, channel: str = "email") -> bool:
        return kind not in (self.notifications_off or {}).get(channel, [])


class Role(models.Model):
    """A role held in an organization; it covers the organization's whole subtree."""

    class Kind(models.TextChoices):
        MODERATOR = "moderator", _("Moderator")
        EXPERT = "expert", _("Expert")
        EXECUTOR = "executor", _("Executor")
        SUPERVISOR = "supervisor", _("Supervisor")
        OPERATOR = "operator", _("Operator")
        PROJECT_ADMIN = "project_admin", _("Project admin")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="roles")
    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.CASCADE, related_name="roles"
    )
    kind = models.CharField(_("role"), max_length=32, choices=Kind.choices)
    granted_at = models.DateTimeField(_("granted"), default=clock.now)
    granted_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organization", "kind"], name="role_unique_per_organization"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.organization}"


class Consent(models.Model):
    """A consent a person gave: to which text version, when, from where."""

    class Kind(models.TextChoices):
        PERSONAL_DATA = "personal_data", _("Processing of personal data")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="consents")
    kind = models.CharField(max_length=32, choices=Kind.choices, default=Kind.PERSONAL_DATA)
    version = models.CharField(_("text version"), max_length=32)
    given_at = models.DateTimeField(_("given"))
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["-given_at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.version}"


class ApiToken(models.Model):
    """A personal access token for the API and the Open311 api_key. Only its hash is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    key_hash = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=12)
    created_at = models.DateTimeField(_("created"), default=clock.now)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.prefix}… {self.name}"

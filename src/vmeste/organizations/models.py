"""Districts and the tree of organizations: region → department / governance centre → institution."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Concat, Substr
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

GEOJSON_TYPES = {"Polygon", "MultiPolygon", "Feature", "FeatureCollection"}


def validate_geojson(value: Any) -> None:
    if value in (None, {}):
        return
    if not isinstance(value, dict) or value.get("type") not in GEOJSON_TYPES:
        raise ValidationError(
            _("The boundary must be a GeoJSON Polygon, MultiPolygon, Feature or FeatureCollection.")
        )


class District(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    boundary = models.JSONField(
        _("boundary (GeoJSON)"), null=True, blank=True, validators=[validate_geojson]
    )

    class Meta:
        verbose_name = _("district")
        verbose_name_plural = _("districts")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Organization(models.Model):
    class Kind(models.TextChoices):
        REGION = "region", _("Region")
        DEPARTMENT = "department", _("Department")
        GOVERNANCE_CENTRE = "governance_centre", _("Governance centre")
        INSTITUTION = "institution", _("Institution")

    class InstitutionType(models.TextChoices):
        MUSEUM = "museum", _("Museum")
        THEATRE = "theatre", _("Theatre")
        LIBRARY = "library", _("Library")
        CULTURE_CENTRE = "culture_centre", _("Culture centre")
        PARK = "park", _("Park")
        CONCERT_HALL = "concert_hall", _("Concert hall")
        SCHOOL_OF_ARTS = "school_of_arts", _("School of arts")
        OTHER = "other", _("Other")

    # Which kinds may sit directly under which: the tree the product describes.
    ALLOWED_PARENTS: dict[str, set[str | None]] = {
        Kind.REGION: {None},
        Kind.DEPARTMENT: {Kind.REGION},
        Kind.GOVERNANCE_CENTRE: {Kind.REGION},
        Kind.INSTITUTION: {Kind.DEPARTMENT, Kind.GOVERNANCE_CENTRE},
    }

    name = models.CharField(_("name"), max_length=300)
    short_name = models.CharField(_("short name"), max_length=120, blank=True)
    aliases = models.TextField(
        _("other names"),
        blank=True,
        help_text=_(
            "One per line: how residents call it («краеведческий», «дом культуры на Мира»). "
            "Used to recognise the institution in social-network posts."
        ),
    )
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    institution_type = models.CharField(
        _("institution type"), max_length=32, choices=InstitutionType.choices, blank=True
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent organization"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    # Materialised path of primary keys, "/1/4/17/": a subtree is one indexed prefix query.
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")
    description = models.TextField(_("description"), blank=True)
    district = models.ForeignKey(
        District,
        verbose_name=_("district"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="organizations",
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    phone = models.CharField(_("phone"), max_length=64, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    website = models.URLField(_("website"), blank=True)
    opening_hours = models.TextField(
        _("opening hours"),
        blank=True,
        help_text=_("One line per group of days, e.g. «Вт–Вс 10:00–18:00»."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        ordering = ["path"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind="institution") | models.Q(institution_type=""),
                name="organization_type_only_for_institutions",
            ),
        ]

    def __str__(self) -> str:
        return self.short_name or self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        # The path is derived from the parent; keeping it here means no code path can forget it.
        old_path = self.path
        if self.pk is None:
            super().save(*args, **kwargs)
            kwargs = {}
        parent_path = self.parent.path if self.parent_id and self.parent else "/"
        self.path = f"{parent_path}{self.pk}/"
        super().save(*args, **kwargs)
        if old_path and old_path != self.path:
            Organization.objects.filter(path__startswith=old_path).exclude(pk=self.pk).update(
                path=Concat(models.Value(self.path), Substr("path", len(old_path) + 1))
            )

    def get_absolute_url(self) -> str:
        return reverse("organizations:detail", args=[self.slug])

    @property
    def is_institution(self) -> bool:
        return self.kind == self.Kind.INSTITUTION

    @property
    def has_coordinates(self) -> bool:
        return self.latitude is not None and self.longitude is not None

    def clean(self) -> None:
        parent_kind = self.parent.kind if self.parent_id and self.parent else None
        allowed = self.ALLOWED_PARENTS.get(self.kind, set())
        if parent_kind not in allowed:
            raise ValidationError({"parent": _("This kind of organization cannot be placed here.")})
        if self.kind == self.Kind.INSTITUTION and not self.institution_type:
            raise ValidationError({"institution_type": _("Choose the type of the institution.")})
        if self.kind != self.Kind.INSTITUTION and self.institution_type:
            raise ValidationError({"institution_type": _("Only institutions have a type.")})
        if self.pk and self.parent_id and self.parent and self.parent.path.startswith(self.path):
            raise ValidationError({"parent": _("An organization cannot be placed inside itself.")})

    def ancestor_ids(self) -> list[int]:
        """Primary keys from the root down to this organization, inclusive."""
        return [int(part) for part in self.path.strip("/").split("/") if part]

    def covers(self, other: Organization) -> bool:
        """Whether ``other`` is this organization or lies under it."""
        return bool(self.path) and other.path.startswith(self.path)


class SocialPage(models.Model):
    class Network(models.TextChoices):
        VK = "vk", _("VK")
        TELEGRAM = "telegram", _("Telegram")
        OK = "ok", _("Odnoklassniki")
        MAX = "max", _("MAX")
        RUTUBE = "rutube", _("RUTUBE")
        OTHER = "other", _("Other")

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="social_pages"
    )
    network = models.CharField(_("network"), max_length=16, choices=Network.choices)
    url = models.URLField(_("address"))

    class Meta:
        verbose_name = _("official social page")
        verbose_name_plural = _("official social pages")
        ordering = ["network", "id"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "url"], name="social_page_unique_url")
        ]

    def __str__(self) -> str:
        return f"{self.get_network_display()}: {self.url}"


class Event(models.Model):
    """An event of an institution: a performance, an exhibition, a lecture."""

    class Age(models.TextChoices):
        ZERO = "0+", "0+"
        SIX = "6+", "6+"
        TWELVE = "12+", "12+"
        SIXTEEN = "16+", "16+"
        EIGHTEEN = "18+", "18+"

    organization = models.ForeignKey(
        Organization, verbose_name=_("institution"), on_delete=models.CASCADE, related_name="events"
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    starts_at = models.DateTimeField(_("starts"), db_index=True)
    ends_at = models.DateTimeField(_("ends"), null=True, blank=True)
    is_free = models.BooleanField(_("free"), default=True)
    price = models.DecimalField(
        _("price, ₽"),
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    age_rating = models.CharField(
        _("age rating"), max_length=3, choices=Age.choices, default=Age.ZERO
    )
    place = models.CharField(
        _("place"), max_length=300, blank=True, help_text=_("Empty: the institution's address.")
    )
    phone = models.CharField(_("phone"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(is_free=True) | models.Q(price__isnull=False),
                name="event_paid_has_price",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def where(self) -> str:
        return self.place or self.organization.address

"""Appeals: residents' problems with categories, routing, deadlines, answers and feedback."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from vmeste.core import clock
from vmeste.organizations.models import Organization


class Category(models.Model):
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    description = models.TextField(_("description"), blank=True)
    deadline_days = models.PositiveSmallIntegerField(
        _("deadline in working days"),
        default=8,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )
    deadline_hours = models.PositiveSmallIntegerField(
        _("deadline in working hours"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(720)],
        help_text=_("When set, used instead of the working days (for urgent categories)."),
    )
    requires_photo = models.BooleanField(_("photo required"), default=False)
    requires_place = models.BooleanField(_("place required"), default=False)
    requires_institution = models.BooleanField(_("institution required"), default=False)
    is_public = models.BooleanField(
        _("appeals are public"),
        default=True,
        help_text=_("Appeals of non-public categories are seen only by their authors and staff."),
    )
    default_organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("responsible by default"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("appeal category")
        verbose_name_plural = _("appeal categories")
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return f"{self.parent.name} › {self.name}" if self.parent_id and self.parent else self.name


class AnswerTemplate(models.Model):
    category = models.ForeignKey(
        Category,
        verbose_name=_("category"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="answer_templates",
        help_text=_("Empty: offered in every category."),
    )
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"))

    class Meta:
        verbose_name = _("answer template")
        verbose_name_plural = _("answer templates")
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class RoutingRule(models.Model):
    """Category × district × institution (or its type) → the organization that answers.

    Empty conditions match anything; the most specific matching rule wins (see routing.py).
    """

    category = models.ForeignKey(
        Category, verbose_name=_("category"), null=True, blank=True, on_delete=models.CASCADE
    )
    district = models.ForeignKey(
        "organizations.District",
        verbose_name=_("district"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
    )
    institution_type = models.CharField(
        _("institution type"),
        max_length=32,
        blank=True,
        choices=Organization.InstitutionType.choices,
    )
    institution = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("institution"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("responsible organization"),
        on_delete=models.CASCADE,
        related_name="routing_rules",
    )
    is_active = models.BooleanField(_("active"), default=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("routing rule")
        verbose_name_plural = _("routing rules")

    def __str__(self) -> str:
        return f"→ {self.organization}"

    @property
    def specificity(self) -> int:
        # An institution named outright beats its type; a category beats a district.
        return (
            8 * bool(self.institution_id)
            + 4 * bool(self.category_id)
            + 2 * bool(self.district_id)
            + 1 * bool(self.institution_type)
        )


class Status(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted, awaiting moderation")
    RETURNED = "returned", _("Returned to the author")
    REJECTED = "rejected", _("Rejected")
    REDIRECTED = "redirected", _("Redirected outside the platform")
    REGISTERED = "registered", _("Registered")
    ASSIGNED = "assigned", _("Assigned to the executor")
    IN_PROGRESS = "in_progress", _("In progress")
    CLARIFICATION = "clarification", _("Clarification asked from the author")
    ANSWER_REVIEW = "answer_review", _("Answer under review")
    PLANNED = "planned", _("Work planned")
    ANSWERED = "answered", _("Answered")
    REOPENED = "reopened", _("Reopened after a dispute")
    CLOSED_CONFIRMED = "closed_confirmed", _("Closed: the author confirmed")
    CLOSED_AUTO = "closed_auto", _("Closed automatically")


# The appeal waits for an answer from its executor: the deadline runs (except in clarification).
AWAITING_ANSWER = {
    Status.REGISTERED,
    Status.ASSIGNED,
    Status.IN_PROGRESS,
    Status.CLARIFICATION,
    Status.ANSWER_REVIEW,
    Status.REOPENED,
}
# Seen by the public (when the category is public).
PUBLISHED = AWAITING_ANSWER | {
    Status.PLANNED,
    Status.ANSWERED,
    Status.CLOSED_CONFIRMED,
    Status.CLOSED_AUTO,
}
CLOSED = {Status.CLOSED_CONFIRMED, Status.CLOSED_AUTO, Status.REJECTED, Status.REDIRECTED}


class Source(models.TextChoices):
    WEB = "web", _("Website")
    API = "api", _("API or mobile app")
    PHONE = "phone", _("Phone call")
    SIGNAL = "signal", _("Social networks")
    IMPORT = "import", _("Imported")


class Appeal(models.Model):
    number = models.CharField(_("number"), max_length=20, unique=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.PROTECT,
        related_name="appeals",
    )
    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.PROTECT, related_name="appeals"
    )
    institution = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("institution"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="appeals_about",
    )
    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("responsible organization"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="appeals",
    )
    escalated_to = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("escalated to"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    district = models.ForeignKey(
        "organizations.District",
        verbose_name=_("district"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="appeals",
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    text = models.TextField(_("text"))
    public_text = models.TextField(_("text with personal data masked"), blank=True)
    is_masked_by_ner = models.BooleanField(default=False, editable=False)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.SUBMITTED, db_index=True
    )
    source = models.CharField(
        _("source"), max_length=10, choices=Source.choices, default=Source.WEB
    )
    idempotency_key = models.CharField(max_length=64, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=32, blank=True)
    external_source = models.CharField(_("imported from"), max_length=50, blank=True)
    external_id = models.CharField(_("id in the source system"), max_length=100, blank=True)

    created_at = models.DateTimeField(_("submitted"), default=clock.now, db_index=True)
    registered_at = models.DateTimeField(_("registered"), null=True, blank=True)
    due_at = models.DateTimeField(_("answer due"), null=True, blank=True, db_index=True)
    remind_at = models.DateTimeField(null=True, blank=True, db_index=True, editable=False)
    reminded_at = models.DateTimeField(null=True, blank=True, editable=False)
    extended_at = models.DateTimeField(_("deadline extended"), null=True, blank=True)
    overdue_at = models.DateTimeField(_("overdue since"), null=True, blank=True, db_index=True)
    paused_at = models.DateTimeField(_("clock paused since"), null=True, blank=True)
    paused_seconds = models.PositiveIntegerField(default=0, editable=False)
    answered_at = models.DateTimeField(_("first answer published"), null=True, blank=True)
    is_answered_on_time = models.BooleanField(_("answered on time"), null=True, blank=True)
    answer_working_seconds = models.PositiveIntegerField(null=True, blank=True, editable=False)
    feedback_due_at = models.DateTimeField(_("feedback due"), null=True, blank=True, db_index=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    dispute_count = models.PositiveSmallIntegerField(_("disputes"), default=0)
    rating = models.PositiveSmallIntegerField(
        _("rating"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    moderation_note = models.TextField(_("moderator's note to the author"), blank=True)
    redirected_to = models.CharField(_("redirected to"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["external_source", "external_id"],
                condition=~models.Q(external_id=""),
                name="appeal_external_id_unique",
            ),
            models.UniqueConstraint(
                fields=["author", "idempotency_key"],
                condition=~models.Q(idempotency_key=""),
                name="appeal_idempotency_key_unique",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "due_at"]),
            models.Index(fields=["organization", "status"]),
        ]

    def __str__(self) -> str:
        return f"№ {self.number}"

    def get_absolute_url(self) -> str:
        return reverse("appeals:detail", args=[self.number])

    @property
    def is_published(self) -> bool:
        return self.status in PUBLISHED

    @property
    def is_public(self) -> bool:
        return self.is_published and self.category.is_public

    @property
    def is_awaiting_answer(self) -> bool:
        return self.status in AWAITING_ANSWER

    @property
    def is_overdue(self) -> bool:
        return self.overdue_at is not None and self.status in AWAITING_ANSWER

    @property
    def has_coordinates(self) -> bool:
        return self.latitude is not None and self.longitude is not None


class AppealNumber(models.Model):
    """The last number given in a year: numbers are «2026-000123», gapless within a year."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class Answer(models.Model):
    class State(models.TextChoices):
        REVIEW = "review", _("Under review")
        APPROVED = "approved", _("Approved and published")
        RETURNED = "returned", _("Returned for rework")

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="answers")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField(_("answer"))
    planned_on = models.DateField(_("work planned for"), null=True, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.REVIEW)
    brushoff_score = models.FloatField(default=0)
    brushoff_reasons = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(default=clock.now)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    review_comment = models.TextField(_("reviewer's comment"), blank=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.appeal} — {self.get_state_display()}"

    @property
    def is_planned(self) -> bool:
        return self.planned_on is not None

    @property
    def looks_like_brushoff(self) -> bool:
        from .brushoff import THRESHOLD

        return self.brushoff_score >= THRESHOLD


def photo_path(instance: Photo, filename: str) -> str:
    moment = clock.now()
    return f"appeals/{moment:%Y/%m}/{filename}"


class Photo(models.Model):
    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="photos")
    answer = models.ForeignKey(
        Answer, null=True, blank=True, on_delete=models.CASCADE, related_name="photos"
    )
    image = models.ImageField(upload_to=photo_path, width_field="width", height_field="height")
    thumbnail = models.ImageField(upload_to=photo_path)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.image.name


class Feedback(models.Model):
    class Kind(models.TextChoices):
        CONFIRM = "confirm", _("Confirmed: the problem is solved")
        DISPUTE = "dispute", _("Disputed: the problem is not solved")

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="feedback")
    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="feedback")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    rating = models.PositiveSmallIntegerField(
        _("rating"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.appeal} {self.kind}"


class Message(models.Model):
    """A clarification question of the executor and the author's reply."""

    class Kind(models.TextChoices):
        QUESTION = "question", _("Question to the author")
        REPLY = "reply", _("Reply of the author")

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    text = models.TextField()
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.appeal} {self.kind}"


# Counters, maintained in the same transaction as every change (see counters.py). Dimensions are
# stored as plain ids, 0 meaning "none", so that uniqueness holds on every database.
class DailyCounter(models.Model):
    day = models.DateField()
    organization_id = models.BigIntegerField(default=0)
    district_id = models.BigIntegerField(default=0)
    category_id = models.BigIntegerField(default=0)
    received = models.IntegerField(default=0)
    answered_on_time = models.IntegerField(default=0)
    answered_late = models.IntegerField(default=0)
    disputed = models.IntegerField(default=0)
    rating_sum = models.IntegerField(default=0)
    rating_count = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["day", "organization_id", "district_id", "category_id"],
                name="daily_counter_key",
            )
        ]
        indexes = [models.Index(fields=["organization_id", "day"])]

    def __str__(self) -> str:
        return f"{self.day} {self.organization_id}/{self.district_id}/{self.category_id}"


class AnswerTimeCounter(models.Model):
    """How many answers took a given number of working hours (a histogram for medians)."""

    day = models.DateField()
    organization_id = models.BigIntegerField(default=0)
    district_id = models.BigIntegerField(default=0)
    category_id = models.BigIntegerField(default=0)
    bucket = models.PositiveIntegerField()
    count = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["day", "organization_id", "district_id", "category_id", "bucket"],
                name="answer_time_counter_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.day} bucket {self.bucket}: {self.count}"


class GaugeCounter(models.Model):
    """Appeals in a state right now: in work, overdue now."""

    organization_id = models.BigIntegerField(default=0)
    district_id = models.BigIntegerField(default=0)
    category_id = models.BigIntegerField(default=0)
    in_work = models.IntegerField(default=0)
    overdue_now = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization_id", "district_id", "category_id"], name="gauge_counter_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organization_id}/{self.district_id}/{self.category_id}"

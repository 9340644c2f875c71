"""Signals: posts, comments and messages from social networks, their triage and the replies back.

A *source* is one network account or chat the platform listens to (a VK community, a Telegram bot,
a partner's webhook). Every delivery is kept raw (:class:`RawEvent`) before it becomes a normalized
:class:`Signal`; a repeated delivery of the same event finds the raw row by its key and creates
nothing. Operators work the signals; the first reaction is due within one working day.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from vmeste.core import clock


def _secret() -> str:
    return secrets.token_urlsafe(24)


class Source(models.Model):
    class Kind(models.TextChoices):
        VK = "vk", _("VK community (Callback API)")
        TELEGRAM = "telegram", _("Telegram bot")
        WEBHOOK = "webhook", _("JSON webhook (HMAC-signed)")
        IMPORT = "import", _("File import")

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(
        _("slug"), max_length=100, unique=True, help_text=_("Part of the webhook address.")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("organization"),
        on_delete=models.PROTECT,
        related_name="signal_sources",
        help_text=_("Operators of this organization (and above it) work the source's signals."),
    )
    url = models.URLField(_("page address"), blank=True)
    external_id = models.CharField(
        _("id in the network"),
        max_length=100,
        blank=True,
        help_text=_("VK community id (group_id); checked against every VK event."),
    )
    secret = models.CharField(
        _("secret"),
        max_length=200,
        default=_secret,
        help_text=_("VK «secret», Telegram secret token, or the HMAC key of the webhook."),
    )
    confirmation_code = models.CharField(_("VK confirmation code"), max_length=100, blank=True)
    access_token = models.CharField(
        _("token for answers"),
        max_length=300,
        blank=True,
        help_text=_("VK community token or Telegram bot token; without it replies are not sent."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(default=clock.now, editable=False)

    class Meta:
        verbose_name = _("signal source")
        verbose_name_plural = _("signal sources")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class RawEvent(models.Model):
    """One delivery as it arrived; the key makes repeated deliveries harmless."""

    class State(models.TextChoices):
        ACCEPTED = "accepted", _("Accepted")
        IGNORED = "ignored", _("Ignored (not a post, comment or message)")
        INVALID = "invalid", _("Invalid payload")

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="raw_events")
    key = models.CharField(max_length=200)
    event_type = models.CharField(max_length=50, blank=True)
    payload = models.JSONField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.ACCEPTED)
    error = models.CharField(max_length=300, blank=True)
    received_at = models.DateTimeField(default=clock.now)

    class Meta:
        verbose_name = _("raw event")
        verbose_name_plural = _("raw events")
        ordering = ["-received_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["source", "key"], name="raw_event_unique_key")
        ]

    def __str__(self) -> str:
        return f"{self.source_id}:{self.key}"


class Kind(models.TextChoices):
    COMPLAINT = "complaint", _("Complaint")
    QUESTION = "question", _("Question")
    SUGGESTION = "suggestion", _("Suggestion")
    THANKS = "thanks", _("Thanks")
    NOISE = "noise", _("Noise")


class Urgency(models.IntegerChoices):
    LOW = 0, _("Low")
    NORMAL = 1, _("Normal")
    HIGH = 2, _("High")


class Signal(models.Model):
    class Status(models.TextChoices):
        NEW = "new", _("New")
        TRIAGED = "triaged", _("Triaged, awaiting an operator")
        APPEAL = "appeal", _("Appeal created")
        ATTACHED = "attached", _("Attached to an appeal")
        ANSWERED = "answered", _("Answered directly")
        DISMISSED = "dismissed", _("Dismissed")

    class ItemType(models.TextChoices):
        POST = "post", _("Post")
        COMMENT = "comment", _("Comment")
        MESSAGE = "message", _("Private message")
        BOARD = "board", _("Discussion board post")
        CHANNEL = "channel", _("Channel post")

    source = models.ForeignKey(
        Source, verbose_name=_("source"), on_delete=models.PROTECT, related_name="signals"
    )
    raw = models.ForeignKey(
        RawEvent, null=True, blank=True, on_delete=models.SET_NULL, related_name="signals"
    )
    external_id = models.CharField(_("id in the network"), max_length=200)
    item_type = models.CharField(_("type"), max_length=10, choices=ItemType.choices)
    author_handle = models.CharField(_("author"), max_length=200, blank=True)
    author_external_id = models.CharField(max_length=100, blank=True)
    # Where a reply goes: VK peer_id / owner_id+post_id, Telegram chat id + message id.
    reply_to = models.JSONField(default=dict, blank=True)
    url = models.URLField(_("link"), max_length=500, blank=True)
    text = models.TextField(_("text"))
    posted_at = models.DateTimeField(_("posted"))
    received_at = models.DateTimeField(_("received"), default=clock.now, db_index=True)
    edited_at = models.DateTimeField(_("edited"), null=True, blank=True)

    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.NEW, db_index=True
    )
    priority = models.SmallIntegerField(_("priority"), default=0)
    reaction_due_at = models.DateTimeField(_("first reaction due"), db_index=True)
    reacted_at = models.DateTimeField(_("first reaction"), null=True, blank=True)
    overdue_at = models.DateTimeField(_("reaction overdue since"), null=True, blank=True)
    appeal = models.ForeignKey(
        "appeals.Appeal",
        verbose_name=_("appeal"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="signals",
    )
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    dismiss_reason = models.CharField(_("reason"), max_length=20, blank=True)
    operator_comment = models.TextField(_("operator's comment"), blank=True)

    # Triage: what the models think, with reasons, and which model thought it.
    clean_text = models.TextField(blank=True)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, blank=True)
    kind_confidence = models.FloatField(default=0)
    category = models.ForeignKey(
        "appeals.Category",
        verbose_name=_("category"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("responsible organization"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    institution = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("institution mentioned"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    district = models.ForeignKey(
        "organizations.District",
        verbose_name=_("district"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    urgency = models.SmallIntegerField(_("urgency"), choices=Urgency.choices, default=Urgency.LOW)
    suggestions = models.JSONField(default=dict, blank=True)
    reasons = models.JSONField(default=dict, blank=True)
    duplicates = models.JSONField(default=list, blank=True)
    embedding = models.BinaryField(null=True, blank=True, editable=False)
    model_version = models.CharField(max_length=120, blank=True)
    triaged_at = models.DateTimeField(_("triaged"), null=True, blank=True)

    class Meta:
        verbose_name = _("signal")
        verbose_name_plural = _("signals")
        ordering = ["-priority", "received_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "external_id"], name="signal_unique_external_id"
            )
        ]
        indexes = [models.Index(fields=["status", "-priority", "received_at"])]

    def __str__(self) -> str:
        return f"{self.source}: {self.text[:60]}"

    @property
    def dismiss_reason_label(self) -> str:
        return str(DISMISS_REASONS.get(self.dismiss_reason, self.dismiss_reason))

    @property
    def is_open(self) -> bool:
        return self.status in {self.Status.NEW, self.Status.TRIAGED}

    @property
    def is_overdue(self) -> bool:
        return self.reacted_at is None and self.reaction_due_at < clock.now()


DISMISS_REASONS = {
    "noise": _("Not about us: noise, advertising, spam"),
    "duplicate": _("A duplicate of a signal already handled"),
    "thanks": _("Thanks, nothing to do"),
    "offensive": _("Offensive, no request in it"),
    "other": _("Other (see the comment)"),
}


class TrainingLabel(models.Model):
    """An operator's correction of the triage: the text and the right answer, for training."""

    class Field(models.TextChoices):
        KIND = "kind", _("Kind")
        CATEGORY = "category", _("Category")
        ORGANIZATION = "organization", _("Organization")

    signal = models.ForeignKey(Signal, on_delete=models.CASCADE, related_name="labels")
    field = models.CharField(max_length=16, choices=Field.choices)
    predicted = models.CharField(max_length=100, blank=True)
    label = models.CharField(max_length=100)
    text = models.TextField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        verbose_name = _("training label")
        verbose_name_plural = _("training labels")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.field}: {self.predicted} → {self.label}"


class AppealEmbedding(models.Model):
    """The sentence embedding of an appeal's text, kept so near-duplicate search stays cheap."""

    appeal = models.OneToOneField(
        "appeals.Appeal", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    vector = models.BinaryField()
    model = models.CharField(max_length=50)

    def __str__(self) -> str:
        return f"{self.appeal_id}:{self.model}"


class Reply(models.Model):
    """An answer going back to the network, delivered by the worker with retries."""

    class Method(models.TextChoices):
        VK_MESSAGE = "vk_message", _("VK: private message")
        VK_COMMENT = "vk_comment", _("VK: comment")
        TELEGRAM = "telegram", _("Telegram: message")
        NONE = "none", _("No reply channel")

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENT = "sent", _("Delivered")
        FAILED = "failed", _("Not delivered (attempts exhausted)")
        SKIPPED = "skipped", _("Not sent: the source has no token")

    signal = models.ForeignKey(Signal, on_delete=models.CASCADE, related_name="replies")
    answer = models.ForeignKey(
        "appeals.Answer", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    method = models.CharField(max_length=12, choices=Method.choices)
    text = models.TextField(_("text"))
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.PENDING, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True, db_index=True)
    last_error = models.CharField(max_length=500, blank=True)
    external_id = models.CharField(max_length=100, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=clock.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("reply")
        verbose_name_plural = _("replies")
        ordering = ["created_at", "id"]
        constraints = [
            # One reply per published answer and signal, however often the publication is repeated.
            models.UniqueConstraint(
                fields=["signal", "answer"],
                condition=models.Q(answer__isnull=False),
                name="reply_once_per_answer",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_method_display()} → {self.signal_id}"


class DeliveryAttempt(models.Model):
    reply = models.ForeignKey(Reply, on_delete=models.CASCADE, related_name="attempt_log")
    at = models.DateTimeField(default=clock.now)
    ok = models.BooleanField()
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.CharField(max_length=500, blank=True)
    duration_ms = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.reply_id}@{self.at:%Y-%m-%d %H:%M}: {'ok' if self.ok else self.error}"

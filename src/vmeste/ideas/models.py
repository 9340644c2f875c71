"""Crowdsourcing projects: stages, directions, criteria, ideas, reviews, suggestions, votes, results."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from vmeste.core import clock


class StageKind(models.TextChoices):
    PROPOSE = "propose", _("Propose")
    REVIEW = "review", _("Expert selection")
    IMPROVE = "improve", _("Improve")
    VOTE = "vote", _("Vote")
    RESULTS = "results", _("Results")
    IMPLEMENTATION = "implementation", _("Implementation")


STAGE_ORDER = [k.value for k in StageKind]


class Project(models.Model):
    class WinnerRule(models.TextChoices):
        TOP_OVERALL = "top_overall", _("Top N ideas overall")
        TOP_PER_DIRECTION = "top_per_direction", _("Top N ideas in each direction")

    class Participation(models.TextChoices):
        EVERYONE = "everyone", _("Every resident with a verified e-mail")
        DISTRICT = "district", _("Residents of the organizer's district")

    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    description = models.TextField(_("description"))
    cover = models.ImageField(_("cover"), upload_to="projects/", blank=True)
    organizer = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("organizer"),
        on_delete=models.PROTECT,
        related_name="projects",
    )
    institutions = models.ManyToManyField(
        "organizations.Organization",
        verbose_name=_("target institutions"),
        blank=True,
        related_name="+",
    )
    ideas_per_participant = models.PositiveSmallIntegerField(
        _("ideas per participant"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(50)],
    )
    votes_per_participant = models.PositiveSmallIntegerField(
        _("votes per participant"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    participation = models.CharField(
        _("who may take part"),
        max_length=16,
        choices=Participation.choices,
        default=Participation.EVERYONE,
    )
    winner_rule = models.CharField(
        _("winner rule"), max_length=20, choices=WinnerRule.choices, default=WinnerRule.TOP_OVERALL
    )
    winners_count = models.PositiveSmallIntegerField(
        _("number of winners (N)"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(500)],
    )
    is_published = models.BooleanField(_("published"), default=False)
    results_announced_at = models.DateTimeField(_("results announced"), null=True, blank=True)
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("ideas:project", args=[self.slug])

    def stages_active(self, moment: dt.datetime | None = None) -> set[str]:
        now = moment or clock.now()
        return {
            s.kind
            for s in self.stages.all()
            if s.starts_at <= now and (s.ends_at is None or now < s.ends_at)
        }

    def is_active(self, kind: str, moment: dt.datetime | None = None) -> bool:
        return self.is_published and kind in self.stages_active(moment)

    def stage(self, kind: str) -> Stage | None:
        return next((s for s in self.stages.all() if s.kind == kind), None)

    @property
    def phase(self) -> str:
        """upcoming, active or finished, for the project list."""
        stages = list(self.stages.all())
        if not stages:
            return "upcoming"
        now = clock.now()
        if now < min(s.starts_at for s in stages):
            return "upcoming"
        implementation = self.stage(StageKind.IMPLEMENTATION)
        if implementation and implementation.starts_at <= now:
            return "finished"
        return "active"


class Stage(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="stages")
    kind = models.CharField(_("stage"), max_length=16, choices=StageKind.choices)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(
        _("ends"),
        null=True,
        blank=True,
        help_text=_("Empty for results and implementation, which do not end."),
    )

    class Meta:
        verbose_name = _("stage")
        verbose_name_plural = _("stages")
        ordering = ["starts_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["project", "kind"], name="stage_unique_kind"),
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(ends_at__gt=F("starts_at")),
                name="stage_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project}: {self.get_kind_display()}"


class Direction(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="directions")
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("direction")
        verbose_name_plural = _("directions")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name


class Criterion(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="criteria")
    name = models.CharField(_("name"), max_length=200)
    weight = models.DecimalField(
        _("weight"), max_digits=5, decimal_places=2, default=1, validators=[MinValueValidator(0)]
    )
    scale_max = models.PositiveSmallIntegerField(
        _("scale: from 0 to"), default=10, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("expert criterion")
        verbose_name_plural = _("expert criteria")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name


class IdeaStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Awaiting moderation")
    PUBLISHED = "published", _("Published")
    RETURNED = "returned", _("Returned to the author")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn by the author")
    SHORTLISTED = "shortlisted", _("Selected by the experts")
    NOT_SELECTED = "not_selected", _("Not selected")
    MERGED = "merged", _("Merged into another idea")
    WINNER = "winner", _("Winner")
    NOT_WINNER = "not_winner", _("Not among the winners")


class RejectionReason(models.TextChoices):
    OFF_TOPIC = "off_topic", _("Off the topic of the project")
    DUPLICATE = "duplicate", _("Duplicates another idea")
    RULES = "rules", _("Breaks the rules of the platform")
    COMPETENCE = "competence", _("Outside the organizers' competence")


class Idea(models.Model):
    class Implementation(models.TextChoices):
        PLANNED = "planned", _("Planned")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="ideas")
    direction = models.ForeignKey(
        Direction,
        verbose_name=_("direction"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="ideas",
    )
    institution = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("institution"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="ideas",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="ideas"
    )
    coauthors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="coauthored_ideas"
    )
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"))
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=IdeaStatus.choices,
        default=IdeaStatus.DRAFT,
        db_index=True,
    )
    rejection_reason = models.CharField(
        _("reason"), max_length=16, choices=RejectionReason.choices, blank=True
    )
    status_note = models.TextField(_("explanation"), blank=True)
    duplicate_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="merged_ideas"
    )
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=clock.now)
    submitted_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    vote_count = models.PositiveIntegerField(_("votes"), default=0)
    comment_count = models.PositiveIntegerField(default=0)
    expert_score = models.DecimalField(max_digits=8, decimal_places=3, null=True, blank=True)
    rank = models.PositiveIntegerField(null=True, blank=True)
    responsible = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("responsible institution"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="implemented_ideas",
    )
    implementation_status = models.CharField(
        _("implementation"), max_length=16, choices=Implementation.choices, blank=True
    )
    implementation_note = models.TextField(_("implementation note"), blank=True)
    progress = models.PositiveSmallIntegerField(
        _("progress, %"), default=0, validators=[MaxValueValidator(100)]
    )

    class Meta:
        verbose_name = _("idea")
        verbose_name_plural = _("ideas")
        ordering = ["-published_at", "-id"]
        indexes = [
            models.Index(fields=["project", "status", "-vote_count"]),
            # The list of a project's ideas, newest first, with or without a direction filter.
            models.Index(
                fields=["project", "direction", "-published_at", "-id"],
                name="idea_list_direction_new",
            ),
            models.Index(fields=["project", "-published_at", "-id"], name="idea_list_new"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("ideas:idea", args=[self.project.slug, self.pk])

    @property
    def is_public(self) -> bool:
        return self.status in PUBLIC_IDEA_STATUSES


PUBLIC_IDEA_STATUSES = {
    IdeaStatus.PUBLISHED,
    IdeaStatus.SHORTLISTED,
    IdeaStatus.NOT_SELECTED,
    IdeaStatus.MERGED,
    IdeaStatus.WINNER,
    IdeaStatus.NOT_WINNER,
}


class IdeaVersion(models.Model):
    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    text = models.TextField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    suggestion = models.ForeignKey(
        "Suggestion", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["idea", "number"], name="idea_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.idea_id} v{self.number}"


class Comment(models.Model):
    MAX_DEPTH = 3
    EDIT_MINUTES = 15

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies"
    )
    depth = models.PositiveSmallIntegerField(default=1)
    text = models.TextField(_("comment"))
    created_at = models.DateTimeField(default=clock.now)
    edited_at = models.DateTimeField(null=True, blank=True)
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_reason = models.CharField(_("why hidden"), max_length=300, blank=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.text[:50]


class Report(models.Model):
    class Reason(models.TextChoices):
        SPAM = "spam", _("Spam or advertising")
        OFFENSIVE = "offensive", _("Offensive")
        OFF_TOPIC = "off_topic", _("Off topic")

    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    idea = models.ForeignKey(
        Idea, null=True, blank=True, on_delete=models.CASCADE, related_name="reports"
    )
    comment = models.ForeignKey(
        Comment, null=True, blank=True, on_delete=models.CASCADE, related_name="reports"
    )
    reason = models.CharField(_("reason"), max_length=16, choices=Reason.choices)
    note = models.CharField(_("note"), max_length=500, blank=True)
    created_at = models.DateTimeField(default=clock.now)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["reporter", "idea"],
                condition=Q(idea__isnull=False),
                name="report_once_per_idea",
            ),
            models.UniqueConstraint(
                fields=["reporter", "comment"],
                condition=Q(comment__isnull=False),
                name="report_once_per_comment",
            ),
        ]

    def __str__(self) -> str:
        return self.reason


class ExpertAssignment(models.Model):
    """An expert's share of the project: a whole direction, or one idea."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="expert_assignments"
    )
    expert = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="expert_assignments"
    )
    direction = models.ForeignKey(Direction, null=True, blank=True, on_delete=models.CASCADE)
    idea = models.ForeignKey(Idea, null=True, blank=True, on_delete=models.CASCADE)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(direction__isnull=False) | Q(idea__isnull=False),
                name="assignment_has_scope",
            )
        ]

    def __str__(self) -> str:
        return f"{self.expert} → {self.direction or self.idea}"


class Review(models.Model):
    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="reviews")
    expert = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reviews"
    )
    conflict_of_interest = models.BooleanField(_("conflict of interest"), default=False)
    comment = models.TextField(_("comment"), blank=True)
    submitted_at = models.DateTimeField(default=clock.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["idea", "expert"], name="review_once")]

    def __str__(self) -> str:
        return f"{self.expert} on {self.idea_id}"


class Score(models.Model):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="+")
    value = models.PositiveSmallIntegerField()
    comment = models.CharField(max_length=1000, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["review", "criterion"], name="score_once")]

    def __str__(self) -> str:
        return f"{self.criterion_id}={self.value}"


class Suggestion(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", _("Awaiting the author")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="suggestions")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("proposed text"))
    comment = models.TextField(_("why"), blank=True)
    based_on_version = models.PositiveIntegerField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.idea_id}: {self.state}"


class VoteAllowance(models.Model):
    """How many votes a person has used in a project; the database refuses more than the limit."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    used = models.PositiveSmallIntegerField(default=0)
    limit = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["project", "user"], name="vote_allowance_unique"),
            models.CheckConstraint(
                condition=Q(used__lte=F("limit")), name="vote_allowance_within_limit"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.used}/{self.limit}"


class Vote(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="votes")
    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="votes")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="votes"
    )
    cast_at = models.DateTimeField(default=clock.now)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            # One active vote per person and idea, enforced by the database.
            models.UniqueConstraint(
                fields=["idea", "user"],
                condition=Q(withdrawn_at__isnull=True),
                name="one_active_vote_per_idea",
            ),
        ]
        indexes = [models.Index(fields=["project", "user"])]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.idea_id}"


class Milestone(models.Model):
    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("milestone"), max_length=200)
    due_on = models.DateField(_("date"))
    done_on = models.DateField(_("done"), null=True, blank=True)

    class Meta:
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return self.title


class ImplementationPhoto(models.Model):
    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="implementation_photos")
    image = models.ImageField(upload_to="ideas/")
    thumbnail = models.ImageField(upload_to="ideas/")
    caption = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=clock.now)

    def __str__(self) -> str:
        return self.caption or self.image.name


class PointsEntry(models.Model):
    class Kind(models.TextChoices):
        PUBLISHED = "published", _("Idea published")
        SHORTLISTED = "shortlisted", _("Idea selected by the experts")
        WINNER = "winner", _("Idea among the winners")
        SUGGESTION = "suggestion", _("Suggestion accepted")
        VOTE = "vote", _("Vote cast")

    POINTS = {"published": 10, "shortlisted": 20, "winner": 50, "suggestion": 5, "vote": 1}

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="points"
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)
    points = models.IntegerField()
    idea = models.ForeignKey(
        Idea, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    ref = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["user", "kind", "ref"], name="points_once_per_event")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} +{self.points} {self.kind}"


class Reward(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="rewards"
    )
    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="rewards")
    what = models.CharField(_("reward"), max_length=200)
    awarded_at = models.DateTimeField(default=clock.now)
    handed_over_at = models.DateTimeField(_("handed over"), null=True, blank=True)

    def __str__(self) -> str:
        return self.what


class Follow(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follows"
    )
    project = models.ForeignKey(
        Project, null=True, blank=True, on_delete=models.CASCADE, related_name="followers"
    )
    idea = models.ForeignKey(
        Idea, null=True, blank=True, on_delete=models.CASCADE, related_name="followers"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "project"],
                condition=Q(idea__isnull=True),
                name="follow_project_once",
            ),
            models.UniqueConstraint(
                fields=["user", "idea"], condition=Q(idea__isnull=False), name="follow_idea_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} follows {self.idea_id or self.project_id}"


class ProjectCounter(models.Model):
    """Statistics kept as counters, changed in the same transaction as what they count."""

    project = models.OneToOneField(Project, on_delete=models.CASCADE, related_name="counter")
    participants = models.PositiveIntegerField(default=0)
    submitted = models.PositiveIntegerField(default=0)
    published = models.PositiveIntegerField(default=0)
    shortlisted = models.PositiveIntegerField(default=0)
    winners = models.PositiveIntegerField(default=0)
    implemented = models.PositiveIntegerField(default=0)
    votes = models.PositiveIntegerField(default=0)
    comments = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.project_id}"


class Participant(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["project", "user"], name="participant_once")]

    def __str__(self) -> str:
        return f"{self.project_id}:{self.user_id}"

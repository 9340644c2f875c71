"""Reads of projects and ideas, shared by the pages and the API."""

from __future__ import annotations

import difflib
import itertools
import statistics
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from vmeste.accounts.models import Role
from vmeste.accounts.roles import organizations_where
from vmeste.core.audit import audit_history
from vmeste.core.errors import NotFound
from vmeste.core.permissions import can, is_platform_admin
from vmeste.core.search import text_search

from .models import (
    PUBLIC_IDEA_STATUSES,
    Comment,
    ExpertAssignment,
    Idea,
    IdeaStatus,
    Project,
    ProjectCounter,
    Report,
    Review,
    Stage,
    Suggestion,
    Vote,
)

SORTS = {
    "new": ("-published_at", "-id"),
    "votes": ("-vote_count", "-id"),
    "comments": ("-comment_count", "-id"),
    "old": ("published_at", "id"),
}


def project_list(*, user: Any = None, phase: str | None = None) -> list[Project]:
    qs = Project.objects.select_related("organizer", "counter").prefetch_related(
        Prefetch("stages", queryset=Stage.objects.order_by("starts_at"))
    )
    visible = qs.filter(is_published=True)
    if user is not None and getattr(user, "is_authenticated", False):
        paths = organizations_where(user, Role.Kind.PROJECT_ADMIN)
        scope = Q()
        for path in paths:
            scope |= Q(organizer__path__startswith=path)
        if is_platform_admin(user):
            visible = qs
        elif paths:
            visible = qs.filter(Q(is_published=True) | scope)
    projects = list(visible.order_by("-created_at", "-id"))
    return [p for p in projects if phase is None or p.phase == phase]


def project_get_for(*, user: Any, slug: str) -> Project:
    project = (
        Project.objects.select_related("organizer", "counter")
        # The rules read the stages for every action, the pages list the directions; the
        # criteria and institutions are read where needed (one query there, none on every page).
        .prefetch_related("stages", "directions")
        .filter(slug=slug)
        .first()
    )
    if project is None or not can(user, "project.view", project):
        raise NotFound()
    return project


@dataclass
class IdeaFilters:
    direction: int | None = None
    institution: int | None = None
    status: str | None = None
    mine: bool = False
    q: str | None = None
    sort: str = "new"


def idea_list(*, project: Project, user: Any, filters: IdeaFilters | None = None) -> QuerySet[Idea]:
    """Public ideas of the project (and the person's own in any status with ``mine``)."""
    filters = filters or IdeaFilters()
    qs = Idea.objects.filter(project=project).select_related(
        "project", "direction", "institution", "author"
    )
    if filters.mine and getattr(user, "is_authenticated", False):
        qs = qs.filter(Q(author=user) | Q(coauthors=user)).distinct()
    else:
        qs = qs.filter(status__in=PUBLIC_IDEA_STATUSES)
    if filters.direction:
        qs = qs.filter(direction_id=filters.direction)
    if filters.institution:
        qs = qs.filter(institution_id=filters.institution)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.q:
        qs = text_search(qs, ["title", "text"], filters.q)
    return qs.order_by(*SORTS.get(filters.sort, SORTS["new"]))


def idea_get_for(*, user: Any, project: Project, idea_id: int) -> Idea:
    # merged_into, duplicate_of and responsible are rarely set and shown only then: a join each
    # for every idea costs more (planning a 9-table join) than the odd query when one is there.
    full_project = bool(getattr(project, "_prefetched_objects_cache", None))
    related = ["direction", "institution", "author"]
    if not full_project:
        related.append("project__organizer")
    idea = (
        Idea.objects.select_related(*related)
        .prefetch_related("coauthors")
        .filter(project=project, pk=idea_id)
        .first()
    )
    if idea is None:
        raise NotFound()
    if full_project:
        # The page's project has its stages prefetched: the rules read them for every action.
        idea.project = project
    if not can(user, "idea.view", idea):
        raise NotFound()
    return idea


def my_votes(user: Any, project: Project) -> set[int]:
    if not getattr(user, "is_authenticated", False):
        return set()
    return set(
        Vote.objects.filter(project=project, user=user, withdrawn_at__isnull=True).values_list(
            "idea_id", flat=True
        )
    )


# What a thread shows of a comment and its author when nobody's own actions are on it.
PUBLIC_COMMENT_FIELDS = (
    "id",
    "idea_id",
    "parent_id",
    "depth",
    "text",
    "created_at",
    "edited_at",
    "hidden_at",
    "hidden_reason",
    "author__id",
    "author__display_name",
    "author__anonymized_at",
)


def comment_tree(idea: Idea, *, public: bool = False) -> list[Comment]:
    """Comments in thread order (each followed by its replies), three levels deep. ``public``
    reads only what the thread shows to everybody (not the authors' other fields)."""
    qs = Comment.objects.filter(idea=idea).select_related("author").order_by("created_at", "id")
    if public:
        qs = qs.only(*PUBLIC_COMMENT_FIELDS)
    comments = list(qs)
    children: dict[int | None, list[Comment]] = {}
    for comment in comments:
        children.setdefault(comment.parent_id, []).append(comment)
    ordered: list[Comment] = []

    def walk(parent: int | None) -> None:
        for comment in children.get(parent, []):
            ordered.append(comment)
            walk(comment.pk)

    walk(None)
    return ordered


def idea_history(idea: Idea) -> list[Any]:
    return [
        e
        for e in audit_history(idea)
        if e.action in {"idea.status", "idea.implementation", "idea.created"}
    ]


def version_diffs(idea: Idea) -> list[dict[str, Any]]:
    versions = list(idea.versions.select_related("author").order_by("number"))
    out = []
    for before, after in itertools.pairwise(versions):
        diff = difflib.unified_diff(
            before.text.splitlines(), after.text.splitlines(), lineterm="", n=1
        )
        out.append(
            {
                "version": after,
                "diff": [line for line in diff if not line.startswith(("---", "+++"))],
            }
        )
    return out


def suggestions_of(idea: Idea) -> QuerySet[Suggestion]:
    return idea.suggestions.select_related("author").order_by("-created_at")


def counter(project: Project) -> ProjectCounter:
    return (
        getattr(project, "counter", None)
        or ProjectCounter.objects.get_or_create(project=project)[0]
    )


# Expert review ---------------------------------------------------------------------------------


def expert_ideas(*, user: Any, project: Project) -> list[Idea]:
    assignments = ExpertAssignment.objects.filter(project=project, expert=user)
    directions = [a.direction_id for a in assignments if a.direction_id]
    ideas = [a.idea_id for a in assignments if a.idea_id]
    if not directions and not ideas:
        return []
    return list(
        Idea.objects.filter(project=project, status__in=PUBLIC_IDEA_STATUSES)
        .filter(Q(direction_id__in=directions) | Q(pk__in=ideas))
        .select_related("direction")
        .order_by("pk")
    )


def review_table_row(idea: Idea) -> dict[str, Any]:
    """Mean and spread per criterion over the submitted reviews (conflicts left out) and the weighted
    total on a 0–100 scale."""
    criteria = list(idea.project.criteria.all())
    reviews = [
        r
        for r in Review.objects.filter(idea=idea, conflict_of_interest=False).prefetch_related(
            "scores"
        )
    ]
    per: list[dict[str, Any]] = []
    weighted = Decimal(0)
    weights = Decimal(0)
    for criterion in criteria:
        values = [
            s.value for r in reviews for s in r.scores.all() if s.criterion_id == criterion.pk
        ]
        mean = statistics.fmean(values) if values else None
        spread = (max(values) - min(values)) if values else None
        per.append(
            {
                "criterion": criterion,
                "mean": round(mean, 2) if mean is not None else None,
                "spread": spread,
            }
        )
        if mean is not None:
            weighted += criterion.weight * Decimal(str(mean)) / criterion.scale_max
            weights += criterion.weight
    total = (weighted / weights * 100).quantize(Decimal("0.001")) if weights else None
    return {"idea": idea, "criteria": per, "total": total, "reviews": len(reviews)}


def review_table(project: Project) -> list[dict[str, Any]]:
    ideas = (
        Idea.objects.filter(project=project, status__in=PUBLIC_IDEA_STATUSES)
        .select_related("project", "direction")
        .order_by("pk")
    )
    rows = [review_table_row(idea) for idea in ideas]
    rows.sort(key=lambda r: (r["total"] is None, -(r["total"] or 0)))
    for place, row in enumerate(rows, start=1):
        row["place"] = place if row["total"] is not None else None
    return rows


def others_scores_visible(user: Any, idea: Idea) -> bool:
    """An expert sees the commission's scores only after submitting their own."""
    return Review.objects.filter(idea=idea, expert=user).exists()


def moderation_queue(*, user: Any) -> dict[str, Any]:
    paths = organizations_where(user, {Role.Kind.MODERATOR, Role.Kind.PROJECT_ADMIN})
    if not paths and not is_platform_admin(user):
        return {"ideas": [], "reports": []}
    scope = Q()
    if not is_platform_admin(user):
        for path in paths:
            scope |= Q(project__organizer__path__startswith=path)
    ideas = (
        Idea.objects.filter(scope, status=IdeaStatus.SUBMITTED)
        .select_related("project", "author", "direction")
        .order_by("submitted_at")
    )
    report_scope = Q()
    if not is_platform_admin(user):
        for path in paths:
            report_scope |= Q(idea__project__organizer__path__startswith=path) | Q(
                comment__idea__project__organizer__path__startswith=path
            )
    reports = (
        Report.objects.filter(report_scope, resolved_at__isnull=True)
        .select_related("idea__project", "comment__idea__project", "reporter")
        .order_by("created_at")
    )
    return {"ideas": list(ideas), "reports": list(reports)}


def platform_totals() -> dict[str, int]:
    """Totals across published projects, from the counters (participants are counted once per project)."""
    from django.db.models import Sum

    sums = ProjectCounter.objects.filter(project__is_published=True).aggregate(
        participants=Sum("participants"),
        ideas=Sum("published"),
        selected=Sum("shortlisted"),
        winners=Sum("winners"),
        implemented=Sum("implemented"),
        votes=Sum("votes"),
    )
    return {
        "projects": Project.objects.filter(is_published=True).count(),
        **{k: v or 0 for k, v in sums.items()},
    }

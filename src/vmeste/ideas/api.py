"""Ideas API: projects, ideas, moderation, comments, reviews, suggestions, votes, results."""

import datetime as dt
from typing import Annotated, Any, Literal

from django.db.models import prefetch_related_objects
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja import Status as Reply
from ninja.pagination import PageNumberPagination, paginate

from vmeste.appeals.masking import mask_contacts
from vmeste.core.api import API_AUTH, AUTH_ERRORS, ERRORS, ErrorOut
from vmeste.core.errors import NotFound
from vmeste.core.http import signed_in
from vmeste.core.permissions import can

from . import selectors, services, similar
from .models import Comment, Idea, IdeaStatus, Project, Suggestion

router = Router()
Id = Annotated[int, Field(ge=1, le=2**63 - 1)]
ACTION = {**AUTH_ERRORS, 409: ErrorOut}


class StageOut(Schema):
    kind: str
    starts_at: dt.datetime
    ends_at: dt.datetime | None


class DirectionOut(Schema):
    id: int
    name: str
    description: str


class CriterionOut(Schema):
    id: int
    name: str
    weight: float
    scale_max: int


class ProjectCounterOut(Schema):
    participants: int
    submitted: int
    published: int
    shortlisted: int
    winners: int
    implemented: int
    votes: int
    comments: int


class ProjectOut(Schema):
    id: int
    slug: str
    title: str
    summary: str
    phase: str
    organizer_id: int
    votes_per_participant: int
    ideas_per_participant: int
    winner_rule: str
    winners_count: int
    active_stages: list[str]
    stages: list[StageOut]


class ProjectDetailOut(ProjectOut):
    description: str
    directions: list[DirectionOut]
    criteria: list[CriterionOut]
    counter: ProjectCounterOut
    results_announced_at: dt.datetime | None


def project_out(project: Project, detail: bool = False) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": project.pk,
        "slug": project.slug,
        "title": project.title,
        "summary": project.summary,
        "phase": project.phase,
        "organizer_id": project.organizer_id,
        "votes_per_participant": project.votes_per_participant,
        "ideas_per_participant": project.ideas_per_participant,
        "winner_rule": project.winner_rule,
        "winners_count": project.winners_count,
        "active_stages": sorted(project.stages_active()),
        "stages": [
            {"kind": s.kind, "starts_at": s.starts_at, "ends_at": s.ends_at}
            for s in project.stages.all()
        ],
    }
    if detail:
        c = selectors.counter(project)
        data.update(
            description=project.description,
            directions=[
                {"id": d.pk, "name": d.name, "description": d.description}
                for d in project.directions.all()
            ],
            criteria=[
                {"id": c.pk, "name": c.name, "weight": float(c.weight), "scale_max": c.scale_max}
                for c in project.criteria.all()
            ],
            counter={f: getattr(c, f) for f in ProjectCounterOut.model_fields},
            results_announced_at=project.results_announced_at,
        )
    return data


class IdeaOut(Schema):
    id: int
    project: str
    title: str
    text: str
    status: IdeaStatus
    direction_id: int | None
    institution_id: int | None
    author: str
    version: int
    vote_count: int
    comment_count: int
    published_at: dt.datetime | None
    rank: int | None
    implementation_status: str
    progress: int
    status_note: str


def idea_out(idea: Idea) -> dict[str, Any]:
    return {
        "id": idea.pk,
        "project": idea.project.slug,
        "title": idea.title,
        "text": mask_contacts(idea.text),
        "status": idea.status,
        "direction_id": idea.direction_id,
        "institution_id": idea.institution_id,
        "author": idea.author.public_name,
        "version": idea.version,
        "vote_count": idea.vote_count,
        "comment_count": idea.comment_count,
        "published_at": idea.published_at,
        "rank": idea.rank,
        "implementation_status": idea.implementation_status,
        "progress": idea.progress,
        "status_note": idea.status_note,
    }


def _project(request: HttpRequest, slug: str) -> Project:
    return selectors.project_get_for(user=request.user, slug=slug)


def _idea(request: HttpRequest, idea_id: int) -> Idea:
    idea = Idea.objects.select_related("project").filter(pk=idea_id).first()
    if idea is None:
        raise NotFound()
    return selectors.idea_get_for(user=request.user, project=idea.project, idea_id=idea_id)


def _idea_for_vote(request: HttpRequest, idea_id: int) -> Idea:
    """The idea with its project and the project's stages — all the vote rules read — without the
    author, direction and co-author joins of the full read (a vote answers with a count)."""
    idea = Idea.objects.select_related("project").filter(pk=idea_id).first()
    if idea is None:
        raise NotFound()
    prefetch_related_objects([idea.project], "stages")
    if not can(request.user, "idea.view", idea):
        raise NotFound()
    return idea


def _vote_count(idea: Idea) -> int:
    return Idea.objects.filter(pk=idea.pk).values_list("vote_count", flat=True).get()


@router.get("/projects", response=list[ProjectOut], summary="Crowdsourcing projects")
def projects(
    request: HttpRequest, phase: Literal["active", "upcoming", "finished"] | None = None
) -> Any:
    return [project_out(p) for p in selectors.project_list(user=request.user, phase=phase)]


@router.get("/projects/{slug}", response={200: ProjectDetailOut, **ERRORS}, summary="One project")
def project(request: HttpRequest, slug: str) -> Any:
    return project_out(_project(request, slug), detail=True)


class IdeaFilterIn(Schema):
    direction: Id | None = None
    institution: Id | None = None
    status: IdeaStatus | None = None
    mine: bool = False
    q: Annotated[str, Field(max_length=200)] | None = None
    sort: Literal["new", "votes", "comments", "old"] = "new"


@router.get(
    "/projects/{slug}/ideas", response={200: list[IdeaOut], **ERRORS}, summary="Ideas of a project"
)
@paginate(PageNumberPagination)
def ideas(request: HttpRequest, slug: str, filters: Query[IdeaFilterIn]) -> Any:
    f = selectors.IdeaFilters(**filters.dict())
    return [
        idea_out(i)
        for i in selectors.idea_list(project=_project(request, slug), user=request.user, filters=f)
    ]


class SimilarOut(Schema):
    id: int
    title: str
    score: float


@router.get(
    "/projects/{slug}/similar",
    response={200: list[SimilarOut], **ERRORS},
    summary="Similar ideas (advisory)",
)
def similar_ideas(
    request: HttpRequest, slug: str, text: Annotated[str, Field(max_length=4000)] = ""
) -> Any:
    found = similar.similar_ideas(project_id=_project(request, slug).pk, text=text)
    return [{"id": i, "title": t, "score": s} for i, t, s in found]


class IdeaIn(Schema):
    title: Annotated[str, Field(max_length=1000)]
    text: Annotated[str, Field(max_length=20000)]
    direction_id: Id | None = None
    institution_id: Id | None = None
    submit: bool = False


def _direction_and_institution(project: Project, payload: IdeaIn) -> tuple[Any, Any]:
    from vmeste.organizations.models import Organization

    direction = (
        project.directions.filter(pk=payload.direction_id).first() if payload.direction_id else None
    )
    institution = (
        Organization.objects.filter(pk=payload.institution_id, is_active=True).first()
        if payload.institution_id
        else None
    )
    if payload.direction_id and direction is None:
        raise NotFound(details={"field": "direction_id"})
    if payload.institution_id and institution is None:
        raise NotFound(details={"field": "institution_id"})
    return direction, institution


@router.post(
    "/projects/{slug}/ideas",
    response={201: IdeaOut, **ACTION},
    auth=API_AUTH,
    summary="Propose an idea (a draft, or submitted)",
)
def idea_create(request: HttpRequest, slug: str, payload: IdeaIn) -> Any:
    proj = _project(request, slug)
    direction, institution = _direction_and_institution(proj, payload)
    idea = services.idea_save(
        actor=signed_in(request),
        project=proj,
        title=payload.title,
        text=payload.text,
        direction=direction,
        institution=institution,
        submit=payload.submit,
    )
    similar.forget(proj.pk)
    return Reply(201, idea_out(idea))


@router.get("/ideas/{idea_id}", response={200: IdeaOut, **ERRORS}, summary="One idea")
def idea_detail(request: HttpRequest, idea_id: Id) -> Any:
    return idea_out(_idea(request, idea_id))


@router.put(
    "/ideas/{idea_id}",
    response={200: IdeaOut, **ACTION},
    auth=API_AUTH,
    summary="Edit my idea (and submit it)",
)
def idea_update(request: HttpRequest, idea_id: Id, payload: IdeaIn) -> Any:
    idea = _idea(request, idea_id)
    direction, institution = _direction_and_institution(idea.project, payload)
    idea = services.idea_save(
        actor=signed_in(request),
        project=idea.project,
        idea=idea,
        title=payload.title,
        text=payload.text,
        direction=direction,
        institution=institution,
        submit=payload.submit,
    )
    return idea_out(idea)


@router.post(
    "/ideas/{idea_id}/withdrawal",
    response={200: IdeaOut, **ACTION},
    auth=API_AUTH,
    summary="Withdraw my idea",
)
def idea_withdraw(request: HttpRequest, idea_id: Id) -> Any:
    return idea_out(services.idea_withdraw(actor=signed_in(request), idea=_idea(request, idea_id)))


class IdeaModerateIn(Schema):
    decision: Literal["publish", "return", "reject"]
    reason: Literal["", "off_topic", "duplicate", "rules", "competence"] = ""
    note: Annotated[str, Field(max_length=4000)] = ""
    duplicate_of: Id | None = None


@router.post(
    "/ideas/{idea_id}/moderation",
    response={200: IdeaOut, **ACTION},
    auth=API_AUTH,
    summary="Moderate an idea",
)
def idea_moderate(request: HttpRequest, idea_id: Id, payload: IdeaModerateIn) -> Any:
    idea = _idea(request, idea_id)
    original = (
        Idea.objects.filter(pk=payload.duplicate_of, project=idea.project).first()
        if payload.duplicate_of
        else None
    )
    return idea_out(
        services.idea_moderate(
            actor=signed_in(request),
            idea=idea,
            decision=payload.decision,
            reason=payload.reason,
            note=payload.note,
            duplicate_of=original,
        )
    )


class CommentOut(Schema):
    id: int
    parent_id: int | None
    depth: int
    author: str
    text: str
    created_at: dt.datetime
    hidden: bool
    hidden_reason: str


class CommentIn(Schema):
    text: Annotated[str, Field(max_length=10000)]
    parent_id: Id | None = None


def comment_out(c: Comment) -> dict[str, Any]:
    return {
        "id": c.pk,
        "parent_id": c.parent_id,
        "depth": c.depth,
        "author": c.author.public_name,
        "text": "" if c.hidden_at else mask_contacts(c.text),
        "created_at": c.created_at,
        "hidden": c.hidden_at is not None,
        "hidden_reason": c.hidden_reason,
    }


@router.get(
    "/ideas/{idea_id}/comments",
    response={200: list[CommentOut], **ERRORS},
    summary="Comments, in thread order",
)
def comments(request: HttpRequest, idea_id: Id) -> Any:
    return [comment_out(c) for c in selectors.comment_tree(_idea(request, idea_id))]


@router.post(
    "/ideas/{idea_id}/comments",
    response={201: CommentOut, **ACTION},
    auth=API_AUTH,
    summary="Comment an idea",
)
def comment_create(request: HttpRequest, idea_id: Id, payload: CommentIn) -> Any:
    idea = _idea(request, idea_id)
    parent = idea.comments.filter(pk=payload.parent_id).first() if payload.parent_id else None
    if payload.parent_id and parent is None:
        raise NotFound(details={"field": "parent_id"})
    return Reply(
        201,
        comment_out(
            services.comment_add(
                actor=signed_in(request), idea=idea, text=payload.text, parent=parent
            )
        ),
    )


class ReportIn(Schema):
    reason: Literal["spam", "offensive", "off_topic"]
    note: Annotated[str, Field(max_length=500)] = ""
    comment_id: Id | None = None


class OkOut(Schema):
    ok: bool


@router.post(
    "/ideas/{idea_id}/reports",
    response={201: OkOut, **ACTION},
    auth=API_AUTH,
    summary="Report an idea or a comment",
)
def report(request: HttpRequest, idea_id: Id, payload: ReportIn) -> Any:
    idea = _idea(request, idea_id)
    comment = idea.comments.filter(pk=payload.comment_id).first() if payload.comment_id else None
    services.content_report(
        actor=signed_in(request),
        reason=payload.reason,
        note=payload.note,
        idea=idea,
        comment=comment,
    )
    return Reply(201, {"ok": True})


class ScoreIn(Schema):
    criterion_id: Id
    value: Annotated[int, Field(ge=0, le=100)]
    comment: Annotated[str, Field(max_length=1000)] = ""


class ExpertReviewIn(Schema):
    scores: list[ScoreIn] = []
    comment: Annotated[str, Field(max_length=4000)] = ""
    conflict_of_interest: bool = False


@router.post(
    "/ideas/{idea_id}/reviews",
    response={201: OkOut, **ACTION},
    auth=API_AUTH,
    summary="Submit my expert scores",
)
def review(request: HttpRequest, idea_id: Id, payload: ExpertReviewIn) -> Any:
    services.review_submit(
        actor=signed_in(request),
        idea=_idea(request, idea_id),
        scores={s.criterion_id: (s.value, s.comment) for s in payload.scores},
        comment=payload.comment,
        conflict=payload.conflict_of_interest,
    )
    return Reply(201, {"ok": True})


class DecisionIn(Schema):
    decision: Literal["shortlist", "not_selected", "merge"]
    reason: Annotated[str, Field(max_length=2000)] = ""
    merge_into: Id | None = None


@router.post(
    "/ideas/{idea_id}/decision",
    response={200: IdeaOut, **ACTION},
    auth=API_AUTH,
    summary="The commission's decision",
)
def decide(request: HttpRequest, idea_id: Id, payload: DecisionIn) -> Any:
    idea = _idea(request, idea_id)
    target = (
        Idea.objects.filter(pk=payload.merge_into, project=idea.project).first()
        if payload.merge_into
        else None
    )
    return idea_out(
        services.idea_decide(
            actor=signed_in(request),
            idea=idea,
            decision=payload.decision,
            reason=payload.reason,
            merge_into=target,
        )
    )


class SuggestionIn(Schema):
    text: Annotated[str, Field(max_length=20000)]
    comment: Annotated[str, Field(max_length=2000)] = ""


class SuggestionOut(Schema):
    id: int
    state: str
    text: str
    comment: str
    author: str


def suggestion_out(s: Suggestion) -> dict[str, Any]:
    return {
        "id": s.pk,
        "state": s.state,
        "text": mask_contacts(s.text),
        "comment": mask_contacts(s.comment),
        "author": s.author.public_name,
    }


@router.post(
    "/ideas/{idea_id}/suggestions",
    response={201: SuggestionOut, **ACTION},
    auth=API_AUTH,
    summary="Suggest an edit",
)
def suggest(request: HttpRequest, idea_id: Id, payload: SuggestionIn) -> Any:
    return Reply(
        201,
        suggestion_out(
            services.suggestion_add(
                actor=signed_in(request),
                idea=_idea(request, idea_id),
                text=payload.text,
                comment=payload.comment,
            )
        ),
    )


class SuggestionDecisionIn(Schema):
    accept: bool
    note: Annotated[str, Field(max_length=500)] = ""


@router.post(
    "/suggestions/{suggestion_id}/decision",
    response={200: SuggestionOut, **ACTION},
    auth=API_AUTH,
    summary="Accept or decline a suggestion",
)
def suggestion_decide(
    request: HttpRequest, suggestion_id: Id, payload: SuggestionDecisionIn
) -> Any:
    suggestion = Suggestion.objects.select_related("idea").filter(pk=suggestion_id).first()
    if suggestion is None:
        raise NotFound()
    _idea(request, suggestion.idea_id)
    return suggestion_out(
        services.suggestion_decide(
            actor=signed_in(request),
            suggestion=suggestion,
            accept=payload.accept,
            note=payload.note,
        )
    )


class VoteOut(Schema):
    idea_id: int
    vote_count: int
    voted: bool


@router.post(
    "/ideas/{idea_id}/vote",
    response={201: VoteOut, **ACTION},
    auth=API_AUTH,
    summary="Vote for an idea",
)
def vote(request: HttpRequest, idea_id: Id) -> Any:
    idea = _idea_for_vote(request, idea_id)
    services.vote_cast(actor=signed_in(request), idea=idea)
    return Reply(201, {"idea_id": idea.pk, "vote_count": _vote_count(idea), "voted": True})


@router.delete(
    "/ideas/{idea_id}/vote",
    response={200: VoteOut, **ACTION},
    auth=API_AUTH,
    summary="Withdraw my vote",
)
def unvote(request: HttpRequest, idea_id: Id) -> Any:
    idea = _idea_for_vote(request, idea_id)
    services.vote_withdraw(actor=signed_in(request), idea=idea)
    return {"idea_id": idea.pk, "vote_count": _vote_count(idea), "voted": False}


class ImplementationIn(Schema):
    status: Literal["planned", "in_progress", "done", "cancelled"]
    progress: Annotated[int, Field(ge=0, le=100)]
    note: Annotated[str, Field(max_length=4000)] = ""


@router.post(
    "/ideas/{idea_id}/implementation",
    response={200: IdeaOut, **ACTION},
    auth=API_AUTH,
    summary="Update the implementation of a winner",
)
def implementation(request: HttpRequest, idea_id: Id, payload: ImplementationIn) -> Any:
    return idea_out(
        services.implementation_update(
            actor=signed_in(request), idea=_idea(request, idea_id), **payload.dict()
        )
    )


class ResultsOut(Schema):
    announced_at: dt.datetime | None
    ranking: list[IdeaOut]


@router.get(
    "/projects/{slug}/results", response={200: ResultsOut, **ERRORS}, summary="Results of a project"
)
def results(request: HttpRequest, slug: str) -> Any:
    proj = _project(request, slug)
    ranked = services.ranking(proj) if proj.results_announced_at else []
    return {"announced_at": proj.results_announced_at, "ranking": [idea_out(i) for i in ranked]}


@router.post(
    "/projects/{slug}/results",
    response={200: ResultsOut, **ACTION},
    auth=API_AUTH,
    summary="Announce the results now",
)
def announce(request: HttpRequest, slug: str) -> Any:
    proj = _project(request, slug)
    services.results_announce(project_id=proj.pk, actor=signed_in(request))
    proj.refresh_from_db()
    return {
        "announced_at": proj.results_announced_at,
        "ranking": [idea_out(i) for i in services.ranking(proj)],
    }


@router.put(
    "/ideas/{idea_id}/comments/{comment_id}",
    response={200: CommentOut, **ACTION},
    auth=API_AUTH,
    summary="Edit my comment (within the window)",
)
def comment_update(request: HttpRequest, idea_id: Id, comment_id: Id, payload: CommentIn) -> Any:
    idea = _idea(request, idea_id)
    comment = idea.comments.filter(pk=comment_id).first()
    if comment is None:
        raise NotFound()
    return comment_out(
        services.comment_edit(actor=signed_in(request), comment=comment, text=payload.text)
    )


class AssignIn(Schema):
    expert_id: Id
    direction_id: Id | None = None
    idea_id: Id | None = None


@router.post(
    "/projects/{slug}/experts",
    response={201: OkOut, **ACTION},
    auth=API_AUTH,
    summary="Assign an expert by direction or idea",
)
def experts_assign(request: HttpRequest, slug: str, payload: AssignIn) -> Any:
    from vmeste.accounts.models import User

    proj = _project(request, slug)
    expert = User.objects.filter(pk=payload.expert_id, is_active=True).first()
    direction = (
        proj.directions.filter(pk=payload.direction_id).first() if payload.direction_id else None
    )
    idea = proj.ideas.filter(pk=payload.idea_id).first() if payload.idea_id else None
    if (
        expert is None
        or (payload.direction_id and direction is None)
        or (payload.idea_id and idea is None)
    ):
        raise NotFound()
    services.experts_assign(
        actor=signed_in(request), project=proj, expert=expert, direction=direction, idea=idea
    )
    return Reply(201, {"ok": True})


class RewardIn(Schema):
    what: Annotated[str, Field(min_length=2, max_length=200)]
    handed_over: bool = False


@router.post(
    "/ideas/{idea_id}/rewards",
    response={201: OkOut, **ACTION},
    auth=API_AUTH,
    summary="Record a reward for a winner's author",
)
def reward(request: HttpRequest, idea_id: Id, payload: RewardIn) -> Any:
    services.reward_record(
        actor=signed_in(request),
        idea=_idea(request, idea_id),
        what=payload.what,
        handed_over=payload.handed_over,
    )
    return Reply(201, {"ok": True})


class StatsOut(Schema):
    projects: int
    participants: int
    ideas: int
    selected: int
    winners: int
    implemented: int
    votes: int


@router.get(
    "/stats/ideas", response=StatsOut, summary="Platform-wide statistics of the ideas service"
)
def stats(request: HttpRequest) -> Any:
    from .selectors import platform_totals

    return platform_totals()


class FollowOut(Schema):
    following: bool


@router.post(
    "/ideas/{idea_id}/follow",
    response={200: FollowOut, **ACTION},
    auth=API_AUTH,
    summary="Follow or stop following an idea",
)
def idea_follow(request: HttpRequest, idea_id: Id) -> Any:
    return {
        "following": services.follow_toggle(actor=signed_in(request), idea=_idea(request, idea_id))
    }


@router.post(
    "/projects/{slug}/follow",
    response={200: FollowOut, **ACTION},
    auth=API_AUTH,
    summary="Follow or stop following a project",
)
def project_follow(request: HttpRequest, slug: str) -> Any:
    return {
        "following": services.follow_toggle(
            actor=signed_in(request), project=_project(request, slug)
        )
    }

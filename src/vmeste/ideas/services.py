"""Every write of the ideas service; pages and API endpoints call these and nothing else."""

from __future__ import annotations

import datetime as dt
import itertools
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from vmeste.core import clock
from vmeste.core.audit import audit_record
from vmeste.core.errors import Conflict, FieldErrors, ValidationFailed
from vmeste.core.permissions import require
from vmeste.notifications.services import notify, notify_many
from vmeste.organizations.models import Organization

from .models import (
    Comment,
    Criterion,
    Direction,
    ExpertAssignment,
    Follow,
    Idea,
    IdeaStatus,
    IdeaVersion,
    ImplementationPhoto,
    Milestone,
    Participant,
    PointsEntry,
    Project,
    ProjectCounter,
    RejectionReason,
    Report,
    Review,
    Reward,
    Score,
    Stage,
    StageKind,
    Suggestion,
    Vote,
    VoteAllowance,
)
from .workflow import transition

TITLE_MIN, TITLE_MAX = 5, 200
TEXT_MIN, TEXT_MAX = 20, 10000
COMMENT_MAX = 4000


def _lock_idea(idea: Idea) -> Idea:
    return (
        Idea.objects.select_for_update(of=("self",))
        .select_related("project__organizer")
        .get(pk=idea.pk)
    )


def _count(project: Project, **deltas: int) -> None:
    changes = {k: F(k) + v for k, v in deltas.items() if v}
    if not changes or ProjectCounter.objects.filter(project=project).update(**changes):
        return
    ProjectCounter.objects.get_or_create(project=project)
    ProjectCounter.objects.filter(project=project).update(**changes)


def _participant(project: Project, user: Any, *, count: bool = True) -> bool:
    """Record the person as a participant of the project; True when they are new."""
    try:
        with transaction.atomic():
            Participant.objects.create(project=project, user=user)
    except IntegrityError:
        return False
    if count:
        _count(project, participants=1)
    return True


def award(user: Any, kind: str, ref: str, idea: Idea | None = None) -> None:
    """Points for an action, at most once per event (the ledger's unique key)."""
    # INSERT … ON CONFLICT DO NOTHING: one statement, no savepoint around it.
    PointsEntry.objects.bulk_create(
        [PointsEntry(user=user, kind=kind, points=PointsEntry.POINTS[kind], idea=idea, ref=ref)],
        ignore_conflicts=True,
    )


def followers(*, project: Project | None = None, idea: Idea | None = None) -> list[Any]:
    qs = Follow.objects.select_related("user")
    qs = qs.filter(idea=idea) if idea is not None else qs.filter(project=project, idea__isnull=True)
    return [f.user for f in qs]


def _tell(idea: Idea, title: str, body: str = "", *, with_followers: bool = False) -> None:
    users = [idea.author, *idea.coauthors.all()]
    if with_followers:
        users += followers(idea=idea)
    notify_many(users=users, kind="status", title=title, body=body, url=idea.get_absolute_url())


def _check_text(errors: FieldErrors, title: str, text: str) -> tuple[str, str]:
    title, text = (title or "").strip(), (text or "").strip()
    if len(title) < TITLE_MIN:
        errors.add(
            "title",
            _("Write a title of at least %(n)s characters.") % {"n": TITLE_MIN},
            "too_short",
        )
    elif len(title) > TITLE_MAX:
        errors.add(
            "title", _("Write a title of at most %(n)s characters.") % {"n": TITLE_MAX}, "too_long"
        )
    if len(text) < TEXT_MIN:
        errors.add(
            "text",
            _("Describe the idea in at least %(n)s characters.") % {"n": TEXT_MIN},
            "too_short",
        )
    elif len(text) > TEXT_MAX:
        errors.add(
            "text",
            _("Describe the idea in at most %(n)s characters.") % {"n": TEXT_MAX},
            "too_long",
        )
    return title, text


# Projects -------------------------------------------------------------------------------------


@transaction.atomic
def project_save(
    *,
    actor: Any,
    project: Project | None,
    title: str,
    slug: str,
    description: str,
    organizer: Organization,
    summary: str = "",
    ideas_per_participant: int = 3,
    votes_per_participant: int = 3,
    participation: str = Project.Participation.EVERYONE,
    winner_rule: str = Project.WinnerRule.TOP_OVERALL,
    winners_count: int = 5,
    institutions: Iterable[Organization] = (),
    stages: dict[str, tuple[dt.datetime, dt.datetime | None]] | None = None,
    directions: list[tuple[str, str]] | None = None,
    cover: Any = None,
    criteria: list[tuple[str, Decimal, int]] | None = None,
) -> Project:
    """Create or change a project (a draft until published). Stages are checked for order."""
    require(actor, "project.manage", project or organizer)
    if project is not None:
        require(actor, "project.manage", organizer)
    errors = FieldErrors()
    title = (title or "").strip()
    if not 5 <= len(title) <= 200:
        errors.add("title", _("Write a title of 5 to 200 characters."), "invalid")
    taken = Project.objects.filter(slug=slug)
    if project is not None:
        taken = taken.exclude(pk=project.pk)
    if taken.exists():
        errors.add("slug", _("This address is taken by another project."), "taken")
    for kind, (starts, ends) in (stages or {}).items():
        if kind not in StageKind.values:
            errors.add("stages", _("Unknown stage."), "invalid")
        elif ends is not None and ends <= starts:
            errors.add(f"stage_{kind}", _("A stage must end after it starts."), "invalid")
    known = [(k, v) for k, v in (stages or {}).items() if k in StageKind.values]
    ordered = sorted(known, key=lambda kv: StageKind.values.index(kv[0]))
    for (_kind_a, (start_a, _end_a)), (kind_b, (start_b, _end_b)) in itertools.pairwise(ordered):
        if start_b < start_a:
            errors.add(
                f"stage_{kind_b}",
                _(
                    "The stages must follow each other: propose, review, improve, vote, results, implementation."
                ),
                "order",
            )
    errors.raise_if_any()
    fields = {
        "title": title,
        "slug": slug,
        "description": description,
        "summary": summary,
        "organizer": organizer,
        "ideas_per_participant": ideas_per_participant,
        "votes_per_participant": votes_per_participant,
        "participation": participation,
        "winner_rule": winner_rule,
        "winners_count": winners_count,
    }
    created = project is None
    if project is None:
        project = Project.objects.create(**fields)
        ProjectCounter.objects.create(project=project)
    else:
        for key, value in fields.items():
            setattr(project, key, value)
        project.save()
    if cover:
        from vmeste.appeals.photos import photo_clean

        cleaned = photo_clean(cover)  # checked by content, re-encoded, without metadata
        project.cover.save(cleaned.image.name, cleaned.image, save=True)
    project.institutions.set(list(institutions))
    if stages is not None:
        project.stages.exclude(kind__in=list(stages)).delete()
        for kind, (starts, ends) in stages.items():
            Stage.objects.update_or_create(
                project=project, kind=kind, defaults={"starts_at": starts, "ends_at": ends}
            )
    if directions is not None:
        existing = list(project.directions.all())
        for position, (name, description_text) in enumerate(directions):
            if position < len(existing):
                (
                    existing[position].name,
                    existing[position].description,
                    existing[position].position,
                ) = name, description_text, position
                existing[position].save()
            else:
                Direction.objects.create(
                    project=project, name=name, description=description_text, position=position
                )
    # Criteria are fixed once an expert has scored against them.
    if criteria is not None and not Score.objects.filter(criterion__project=project).exists():
        project.criteria.all().delete()
        if criteria:
            for position, (name, weight, scale) in enumerate(criteria):
                Criterion.objects.create(
                    project=project, name=name, weight=weight, scale_max=scale, position=position
                )
    audit_record(
        actor=actor, action="project.created" if created else "project.changed", target=project
    )
    return project


@transaction.atomic
def project_publish(*, actor: Any, project: Project) -> Project:
    require(actor, "project.manage", project)
    if project.is_published:
        raise Conflict(_("The project is already published."))
    if not project.stages.filter(kind=StageKind.PROPOSE).exists():
        raise ValidationFailed(_("Give the project at least the dates of the propose stage."))
    project.is_published = True
    project.save(update_fields=["is_published"])
    audit_record(
        actor=actor,
        action="project.published",
        target=project,
        from_state="draft",
        to_state="published",
    )
    return project


# Ideas ----------------------------------------------------------------------------------------


@transaction.atomic
def idea_save(
    *,
    actor: Any,
    project: Project,
    title: str,
    text: str,
    direction: Direction | None = None,
    institution: Organization | None = None,
    idea: Idea | None = None,
    submit: bool = False,
) -> Idea:
    """Save a draft (or the author's edit) and, with ``submit``, send it to moderation: → ``submitted``."""
    if idea is None:
        require(actor, "idea.propose", project)
    else:
        idea = _lock_idea(idea)
        require(actor, "idea.edit", idea)
    errors = FieldErrors()
    title, text = _check_text(errors, title, text)
    if direction is not None and direction.project_id != project.pk:
        errors.add("direction", _("Choose a direction of this project."), "invalid")
    if project.directions.exists() and direction is None:
        errors.add("direction", _("Choose a direction."), "required")
    if idea is None:
        mine = (
            Idea.objects.filter(project=project, author=actor)
            .exclude(status__in=[IdeaStatus.WITHDRAWN, IdeaStatus.REJECTED])
            .count()
        )
        if mine >= project.ideas_per_participant:
            errors.add(
                "title",
                _("You have already proposed %(n)s ideas in this project, the most it allows.")
                % {"n": project.ideas_per_participant},
                "limit",
            )
    errors.raise_if_any()
    if idea is None:
        idea = Idea.objects.create(
            project=project,
            author=actor,
            title=title,
            text=text,
            direction=direction,
            institution=institution,
        )
        IdeaVersion.objects.create(idea=idea, number=1, title=title, text=text, author=actor)
        audit_record(actor=actor, action="idea.created", target=idea, to_state=IdeaStatus.DRAFT)
    else:
        idea.title, idea.text, idea.direction, idea.institution = (
            title,
            text,
            direction,
            institution,
        )
        idea.save()
        IdeaVersion.objects.filter(idea=idea, number=idea.version).update(title=title, text=text)
    if submit and idea.status in {IdeaStatus.DRAFT, IdeaStatus.RETURNED}:
        if idea.status == IdeaStatus.DRAFT and not project.is_active(StageKind.PROPOSE):
            raise Conflict(_("Submissions to this project are closed."))
        transition(idea, IdeaStatus.SUBMITTED, actor=actor)
        idea.submitted_at = clock.now()
        idea.save()
        _count(project, submitted=1)
        _participant(project, actor)
    return idea


@transaction.atomic
def idea_withdraw(*, actor: Any, idea: Idea) -> Idea:
    idea = _lock_idea(idea)
    require(actor, "idea.withdraw", idea)
    was_published = idea.status == IdeaStatus.PUBLISHED
    transition(idea, IdeaStatus.WITHDRAWN, actor=actor, reason=_("Withdrawn by the author"))
    idea.save()
    if was_published:
        _count(idea.project, published=-1)
    return idea


@transaction.atomic
def idea_moderate(
    *,
    actor: Any,
    idea: Idea,
    decision: str,
    reason: str = "",
    note: str = "",
    duplicate_of: Idea | None = None,
) -> Idea:
    """``publish`` → published; ``return`` → returned (the author fixes it); ``reject`` → rejected with a
    reason from the list (a duplicate links the original)."""
    idea = _lock_idea(idea)
    require(actor, "idea.moderate", idea)
    errors = FieldErrors()
    note = (note or "").strip()
    if decision not in {"publish", "return", "reject"}:
        errors.add("decision", _("Unknown decision."))
    if decision == "return" and len(note) < 5:
        errors.add("note", _("Tell the author what to fix (at least 5 characters)."), "required")
    if decision == "reject" and reason not in RejectionReason.values:
        errors.add("reason", _("Choose the reason from the list."), "required")
    if (
        decision == "reject"
        and reason == RejectionReason.DUPLICATE
        and (
            duplicate_of is None
            or duplicate_of.project_id != idea.project_id
            or duplicate_of.pk == idea.pk
        )
    ):
        errors.add(
            "duplicate_of", _("Name the idea of this project that it duplicates."), "required"
        )
    errors.raise_if_any()
    if decision == "publish":
        transition(idea, IdeaStatus.PUBLISHED, actor=actor, reason=note)
        idea.published_at = clock.now()
        _count(idea.project, published=1)
        award(idea.author, PointsEntry.Kind.PUBLISHED, f"idea:{idea.pk}", idea)
        title = _("Your idea «%(title)s» is published") % {"title": idea.title}
    elif decision == "return":
        transition(idea, IdeaStatus.RETURNED, actor=actor, reason=note)
        title = _("Your idea «%(title)s» was returned for corrections") % {"title": idea.title}
    else:
        transition(
            idea,
            IdeaStatus.REJECTED,
            actor=actor,
            reason=note,
            data={"reason": reason, "duplicate_of": duplicate_of.pk if duplicate_of else None},
        )
        idea.rejection_reason = reason
        idea.duplicate_of = duplicate_of if reason == RejectionReason.DUPLICATE else None
        title = _("Your idea «%(title)s» was rejected") % {"title": idea.title}
    idea.status_note = note
    idea.save()
    body = note
    if decision == "reject":
        body = f"{RejectionReason(reason).label}. {note}".strip()
    _tell(idea, title, body)
    return idea


# Comments and reports --------------------------------------------------------------------------


@transaction.atomic
def comment_add(*, actor: Any, idea: Idea, text: str, parent: Comment | None = None) -> Comment:
    require(actor, "idea.comment", idea)
    text = (text or "").strip()
    errors = FieldErrors()
    if not 2 <= len(text) <= COMMENT_MAX:
        errors.add(
            "text", _("Write a comment of 2 to %(n)s characters.") % {"n": COMMENT_MAX}, "invalid"
        )
    if parent is not None and parent.idea_id != idea.pk:
        errors.add("parent", _("Reply to a comment of this idea."), "invalid")
    errors.raise_if_any()
    depth = 1 if parent is None else min(parent.depth + 1, Comment.MAX_DEPTH)
    if parent is not None and parent.depth >= Comment.MAX_DEPTH:
        parent = (
            parent.parent
        )  # the thread stays three levels deep: a reply at the bottom joins its parent's level
    comment = Comment.objects.create(idea=idea, author=actor, parent=parent, depth=depth, text=text)
    Idea.objects.filter(pk=idea.pk).update(comment_count=F("comment_count") + 1)
    _count(idea.project, comments=1)
    _participant(idea.project, actor)
    if idea.author_id != actor.pk:
        notify(
            user=idea.author,
            kind="comments",
            title=_("A new comment on «%(title)s»") % {"title": idea.title},
            body=text[:300],
            url=idea.get_absolute_url(),
        )
    if parent is not None and parent.author_id not in {actor.pk, idea.author_id}:
        notify(
            user=parent.author,
            kind="comments",
            title=_("A reply to your comment"),
            body=text[:300],
            url=idea.get_absolute_url(),
        )
    return comment


@transaction.atomic
def comment_edit(*, actor: Any, comment: Comment, text: str) -> Comment:
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    if comment.author_id != actor.pk:
        from vmeste.core.errors import Forbidden

        raise Forbidden()
    if clock.now() - comment.created_at > dt.timedelta(minutes=Comment.EDIT_MINUTES):
        raise Conflict(
            _("A comment can be edited for %(n)s minutes after it is written.")
            % {"n": Comment.EDIT_MINUTES}
        )
    if comment.hidden_at:
        raise Conflict(_("A hidden comment cannot be edited."))
    text = (text or "").strip()
    if not 2 <= len(text) <= COMMENT_MAX:
        raise ValidationFailed(
            details={
                "errors": [
                    {
                        "field": "text",
                        "code": "invalid",
                        "message": _("Write a comment of 2 to %(n)s characters.")
                        % {"n": COMMENT_MAX},
                    }
                ]
            }
        )
    audit_record(
        actor=actor, action="comment.edited", target=comment, data={"before": comment.text}
    )
    comment.text, comment.edited_at = text, clock.now()
    comment.save()
    return comment


@transaction.atomic
def comment_hide(*, actor: Any, comment: Comment, reason: str) -> Comment:
    require(actor, "comment.hide", comment)
    reason = (reason or "").strip()
    if len(reason) < 3:
        raise ValidationFailed(
            details={
                "errors": [
                    {
                        "field": "reason",
                        "code": "required",
                        "message": _("Give the reason that will be shown in place of the comment."),
                    }
                ]
            }
        )
    comment.hidden_at, comment.hidden_reason = clock.now(), reason[:300]
    comment.save()
    Report.objects.filter(comment=comment, resolved_at__isnull=True).update(resolved_at=clock.now())
    audit_record(actor=actor, action="comment.hidden", target=comment, reason=reason)
    notify(
        user=comment.author,
        kind="comments",
        title=_("Your comment was hidden by a moderator"),
        body=reason,
        url=comment.idea.get_absolute_url(),
    )
    return comment


@transaction.atomic
def content_report(
    *,
    actor: Any,
    reason: str,
    note: str = "",
    idea: Idea | None = None,
    comment: Comment | None = None,
) -> Report:
    target_idea = idea or (comment.idea if comment else None)
    if target_idea is None:
        raise ValidationFailed(_("Say what you report."))
    require(actor, "idea.report", target_idea)
    if reason not in Report.Reason.values:
        raise ValidationFailed(
            details={
                "errors": [
                    {
                        "field": "reason",
                        "code": "invalid",
                        "message": _("Choose the reason from the list."),
                    }
                ]
            }
        )
    try:
        with transaction.atomic():
            return Report.objects.create(
                reporter=actor,
                idea=None if comment else idea,
                comment=comment,
                reason=reason,
                note=(note or "")[:500],
            )
    except IntegrityError:
        raise Conflict(_("You have already reported this.")) from None


@transaction.atomic
def report_dismiss(*, actor: Any, report: Report) -> None:
    target = report.comment.idea if report.comment else report.idea
    require(actor, "idea.moderate", target)
    report.resolved_at = clock.now()
    report.save(update_fields=["resolved_at"])
    audit_record(actor=actor, action="report.dismissed", target=target)


# Expert review --------------------------------------------------------------------------------


@transaction.atomic
def experts_assign(
    *,
    actor: Any,
    project: Project,
    expert: Any,
    direction: Direction | None = None,
    idea: Idea | None = None,
) -> ExpertAssignment:
    require(actor, "project.manage", project)
    if direction is None and idea is None:
        raise ValidationFailed(_("Choose a direction or an idea."))
    assignment, _created = ExpertAssignment.objects.get_or_create(
        project=project, expert=expert, direction=direction, idea=idea
    )
    audit_record(
        actor=actor,
        action="expert.assigned",
        target=project,
        data={
            "expert": expert.pk,
            "direction": direction.pk if direction else None,
            "idea": idea.pk if idea else None,
        },
    )
    return assignment


@transaction.atomic
def review_submit(
    *,
    actor: Any,
    idea: Idea,
    scores: dict[int, tuple[int, str]] | None = None,
    comment: str = "",
    conflict: bool = False,
) -> Review:
    """An expert's scores on every criterion (or a declared conflict of interest), once."""
    require(actor, "idea.review", idea)
    if Review.objects.filter(idea=idea, expert=actor).exists():
        raise Conflict(_("You have already reviewed this idea."))
    criteria = list(idea.project.criteria.all())
    errors = FieldErrors()
    scores = scores or {}
    if not conflict:
        for criterion in criteria:
            value = scores.get(criterion.pk, (None, ""))[0]
            if value is None:
                errors.add(
                    f"score_{criterion.pk}",
                    _("Score «%(name)s».") % {"name": criterion.name},
                    "required",
                )
            elif not 0 <= value <= criterion.scale_max:
                errors.add(
                    f"score_{criterion.pk}",
                    _("Score from 0 to %(n)s.") % {"n": criterion.scale_max},
                    "out_of_range",
                )
    errors.raise_if_any()
    review = Review.objects.create(
        idea=idea, expert=actor, conflict_of_interest=conflict, comment=(comment or "").strip()
    )
    if not conflict:
        Score.objects.bulk_create(
            [
                Score(
                    review=review,
                    criterion=c,
                    value=scores[c.pk][0],
                    comment=(scores[c.pk][1] or "")[:1000],
                )
                for c in criteria
            ]
        )
    audit_record(actor=actor, action="review.submitted", target=idea, data={"conflict": conflict})
    _update_expert_score(idea)
    return review


def _update_expert_score(idea: Idea) -> None:
    from .selectors import review_table_row

    row = review_table_row(idea)
    Idea.objects.filter(pk=idea.pk).update(expert_score=row["total"])


@transaction.atomic
def idea_decide(
    *, actor: Any, idea: Idea, decision: str, reason: str = "", merge_into: Idea | None = None
) -> Idea:
    """The chair's decision: ``shortlist``, ``not_selected`` (with a public reason) or ``merge``."""
    idea = _lock_idea(idea)
    require(actor, "idea.decide", idea)
    reason = (reason or "").strip()
    errors = FieldErrors()
    if decision not in {"shortlist", "not_selected", "merge"}:
        errors.add("decision", _("Unknown decision."))
    if decision == "not_selected" and len(reason) < 5:
        errors.add("reason", _("Give the public reason (at least 5 characters)."), "required")
    if decision == "merge" and (
        merge_into is None
        or merge_into.project_id != idea.project_id
        or merge_into.pk == idea.pk
        or merge_into.status not in {IdeaStatus.PUBLISHED, IdeaStatus.SHORTLISTED}
    ):
        errors.add(
            "merge_into", _("Choose a published idea of this project to merge into."), "required"
        )
    errors.raise_if_any()
    if decision == "shortlist":
        transition(idea, IdeaStatus.SHORTLISTED, actor=actor, reason=reason)
        _count(idea.project, shortlisted=1)
        award(idea.author, PointsEntry.Kind.SHORTLISTED, f"idea:{idea.pk}", idea)
        title = _("Your idea «%(title)s» is selected by the experts") % {"title": idea.title}
    elif decision == "not_selected":
        transition(idea, IdeaStatus.NOT_SELECTED, actor=actor, reason=reason)
        title = _("Your idea «%(title)s» was not selected") % {"title": idea.title}
    else:
        assert merge_into is not None
        transition(
            idea, IdeaStatus.MERGED, actor=actor, reason=reason, data={"into": merge_into.pk}
        )
        idea.merged_into = merge_into
        merge_into.coauthors.add(idea.author, *idea.coauthors.all())
        title = _("Your idea «%(title)s» is merged into «%(other)s»; you are its co-author") % {
            "title": idea.title,
            "other": merge_into.title,
        }
    idea.status_note = reason
    idea.save()
    _tell(idea, title, reason, with_followers=True)
    return idea


# Improve --------------------------------------------------------------------------------------


@transaction.atomic
def suggestion_add(*, actor: Any, idea: Idea, text: str, comment: str = "") -> Suggestion:
    require(actor, "idea.suggest", idea)
    text = (text or "").strip()
    errors = FieldErrors()
    if not TEXT_MIN <= len(text) <= TEXT_MAX:
        errors.add(
            "text",
            _("Propose a text of %(a)s to %(b)s characters.") % {"a": TEXT_MIN, "b": TEXT_MAX},
            "invalid",
        )
    elif text == idea.text:
        errors.add("text", _("The proposed text is the same as the current one."), "unchanged")
    errors.raise_if_any()
    suggestion = Suggestion.objects.create(
        idea=idea,
        author=actor,
        text=text,
        comment=(comment or "").strip()[:2000],
        based_on_version=idea.version,
    )
    _participant(idea.project, actor)
    notify(
        user=idea.author,
        kind="comments",
        title=_("A suggestion to improve «%(title)s»") % {"title": idea.title},
        url=idea.get_absolute_url(),
    )
    return suggestion


@transaction.atomic
def suggestion_decide(
    *, actor: Any, suggestion: Suggestion, accept: bool, note: str = ""
) -> Suggestion:
    """The author or a moderator accepts (a new version of the idea) or declines a suggestion."""
    suggestion = (
        Suggestion.objects.select_for_update().select_related("idea__project").get(pk=suggestion.pk)
    )
    idea = _lock_idea(suggestion.idea)
    require(actor, "idea.accept_suggestion", idea)
    if suggestion.state != Suggestion.State.PENDING:
        raise Conflict(_("This suggestion is already decided."))
    suggestion.state = Suggestion.State.ACCEPTED if accept else Suggestion.State.DECLINED
    suggestion.decided_by, suggestion.decided_at, suggestion.decision_note = (
        actor,
        clock.now(),
        (note or "")[:500],
    )
    suggestion.save()
    if accept:
        idea.version += 1
        idea.text = suggestion.text
        idea.save(update_fields=["version", "text"])
        IdeaVersion.objects.create(
            idea=idea,
            number=idea.version,
            title=idea.title,
            text=idea.text,
            author=suggestion.author,
            suggestion=suggestion,
        )
        award(suggestion.author, PointsEntry.Kind.SUGGESTION, f"suggestion:{suggestion.pk}", idea)
    audit_record(
        actor=actor,
        action="suggestion.accepted" if accept else "suggestion.declined",
        target=idea,
        data={"suggestion": suggestion.pk},
        reason=note,
    )
    notify(
        user=suggestion.author,
        kind="comments",
        title=(
            _("Your suggestion to «%(title)s» is accepted")
            if accept
            else _("Your suggestion to «%(title)s» is declined")
        )
        % {"title": idea.title},
        body=note,
        url=idea.get_absolute_url(),
    )
    return suggestion


# Votes ----------------------------------------------------------------------------------------


@transaction.atomic
def vote_cast(*, actor: Any, idea: Idea) -> Vote:
    """One vote for the idea, within the project's limit. The database enforces both: a unique active
    vote per person and idea, and a check that the used votes never pass the limit."""
    require(actor, "idea.vote", idea)
    project = idea.project
    VoteAllowance.objects.bulk_create(  # the first vote in the project creates the allowance
        [VoteAllowance(project=project, user=actor, limit=project.votes_per_participant)],
        ignore_conflicts=True,
    )
    # The conditional update is atomic: two parallel requests cannot both take the last vote.
    if not VoteAllowance.objects.filter(project=project, user=actor, used__lt=F("limit")).update(
        used=F("used") + 1
    ):
        raise Conflict(
            _("You have used all %(n)s of your votes in this project; withdraw one to vote again.")
            % {"n": project.votes_per_participant},
            code="vote_limit",
        )
    try:
        # No savepoint of its own: a duplicate ends this whole transaction (this function is
        # atomic), which also gives back the vote taken from the allowance above.
        vote = Vote.objects.create(project=project, idea=idea, user=actor)
    except IntegrityError:
        raise Conflict(_("You have already voted for this idea."), code="already_voted") from None
    new_participant = _participant(project, actor, count=False)
    award(actor, PointsEntry.Kind.VOTE, f"vote:{idea.pk}", idea)
    audit_record(actor=actor, action="vote.cast", target=idea)
    # The shared rows last: every vote for the idea updates its row and every vote in the project
    # the project's counter; taken just before the commit, their locks are held the shortest time,
    # so parallel votes queue behind each other for one statement, not for the whole transaction.
    Idea.objects.filter(pk=idea.pk).update(vote_count=F("vote_count") + 1)
    _count(project, votes=1, participants=int(new_participant))
    return vote


@transaction.atomic
def vote_withdraw(*, actor: Any, idea: Idea) -> None:
    require(actor, "idea.vote", idea)
    vote = (
        Vote.objects.select_for_update()
        .filter(idea=idea, user=actor, withdrawn_at__isnull=True)
        .first()
    )
    if vote is None:
        raise Conflict(_("You have not voted for this idea."), code="no_vote")
    vote.withdrawn_at = clock.now()
    vote.save(update_fields=["withdrawn_at"])
    VoteAllowance.objects.filter(project=idea.project, user=actor).update(used=F("used") - 1)
    audit_record(actor=actor, action="vote.withdrawn", target=idea)
    Idea.objects.filter(pk=idea.pk).update(vote_count=F("vote_count") - 1)  # shared rows last
    _count(idea.project, votes=-1)


# Results and implementation -------------------------------------------------------------------


def ranking(project: Project) -> list[Idea]:
    """Shortlisted ideas by votes (counted from the vote rows), then expert score, then age."""
    ideas = list(
        Idea.objects.filter(
            project=project,
            status__in=[IdeaStatus.SHORTLISTED, IdeaStatus.WINNER, IdeaStatus.NOT_WINNER],
        )
    )
    counts: dict[int, int] = defaultdict(int)
    for idea_id in Vote.objects.filter(project=project, withdrawn_at__isnull=True).values_list(
        "idea_id", flat=True
    ):
        counts[idea_id] += 1
    for idea in ideas:
        idea.vote_count = counts[idea.pk]
    return sorted(ideas, key=lambda i: (-i.vote_count, -(i.expert_score or 0), i.pk))


@transaction.atomic
def results_announce(*, project_id: int, actor: Any = None) -> int:
    """Compute the ranking by the project's rule and publish the winners. Idempotent: a second call
    (a retried task, a second worker) finds the results already announced and does nothing."""
    project = Project.objects.select_for_update().get(pk=project_id)
    if project.results_announced_at is not None:
        return 0
    if actor is not None:
        require(actor, "project.announce", project)
    ranked = ranking(project)
    winners: set[int] = set()
    if project.winner_rule == Project.WinnerRule.TOP_PER_DIRECTION:
        per: dict[int | None, int] = defaultdict(int)
        for idea in ranked:
            if per[idea.direction_id] < project.winners_count:
                winners.add(idea.pk)
                per[idea.direction_id] += 1
    else:
        winners = {idea.pk for idea in ranked[: project.winners_count]}
    for position, idea in enumerate(ranked, start=1):
        idea.rank = position
        if idea.status == IdeaStatus.SHORTLISTED:
            transition(
                idea,
                IdeaStatus.WINNER if idea.pk in winners else IdeaStatus.NOT_WINNER,
                actor=actor,
                reason=_("Place %(n)s with %(votes)s votes")
                % {"n": position, "votes": idea.vote_count},
            )
        if idea.pk in winners:
            idea.implementation_status = Idea.Implementation.PLANNED
            idea.responsible = idea.responsible or idea.institution
            award(idea.author, PointsEntry.Kind.WINNER, f"idea:{idea.pk}", idea)
        idea.save()
        _tell(
            idea,
            (
                _("Your idea «%(title)s» is among the winners!")
                if idea.pk in winners
                else _("Results of «%(project)s» are announced")
            )
            % {"title": idea.title, "project": project.title},
            with_followers=True,
        )
    project.results_announced_at = clock.now()
    project.save(update_fields=["results_announced_at"])
    _count(project, winners=len(winners))
    notify_many(
        users=followers(project=project),
        kind="followed",
        title=_("Results of «%(project)s» are announced") % {"project": project.title},
        url=project.get_absolute_url(),
    )
    audit_record(
        actor=actor, action="project.results", target=project, data={"winners": sorted(winners)}
    )
    return len(winners)


@transaction.atomic
def implementation_update(
    *,
    actor: Any,
    idea: Idea,
    status: str,
    progress: int,
    note: str = "",
    responsible: Organization | None = None,
    milestones: list[tuple[str, dt.date, dt.date | None]] | None = None,
    photos: Iterable[Any] = (),
) -> Idea:
    """Report the implementation of a winner: status, progress, milestones and photos of the result."""
    from vmeste.appeals.photos import photos_clean

    idea = _lock_idea(idea)
    require(actor, "idea.implement", idea)
    errors = FieldErrors()
    cleaned_photos = photos_clean(list(photos), errors, limit=10)
    if status not in Idea.Implementation.values:
        errors.add("status", _("Choose the status from the list."))
    if not 0 <= progress <= 100:
        errors.add("progress", _("Progress is from 0 to 100 %."), "out_of_range")
    if status == Idea.Implementation.CANCELLED and len((note or "").strip()) < 5:
        errors.add("note", _("Explain why the implementation is cancelled."), "required")
    errors.raise_if_any()
    before = idea.implementation_status
    idea.implementation_status, idea.progress, idea.implementation_note = (
        status,
        100 if status == Idea.Implementation.DONE else progress,
        (note or "").strip(),
    )
    if responsible is not None:
        idea.responsible = responsible
    idea.save()
    if milestones is not None:
        idea.milestones.all().delete()
        Milestone.objects.bulk_create(
            [Milestone(idea=idea, title=t, due_on=d, done_on=done) for t, d, done in milestones]
        )
    for cleaned in cleaned_photos:
        ImplementationPhoto.objects.create(
            idea=idea, image=cleaned.image, thumbnail=cleaned.thumbnail
        )
    if status == Idea.Implementation.DONE and before != Idea.Implementation.DONE:
        _count(idea.project, implemented=1)
    elif before == Idea.Implementation.DONE and status != Idea.Implementation.DONE:
        _count(idea.project, implemented=-1)
    audit_record(
        actor=actor,
        action="idea.implementation",
        target=idea,
        from_state=before,
        to_state=status,
        reason=note,
        data={"progress": idea.progress},
    )
    _tell(
        idea,
        _("Implementation of «%(title)s»: %(status)s, %(progress)s %%")
        % {
            "title": idea.title,
            "status": idea.get_implementation_status_display(),
            "progress": idea.progress,
        },
        note,
        with_followers=True,
    )
    return idea


@transaction.atomic
def reward_record(*, actor: Any, idea: Idea, what: str, handed_over: bool = False) -> Reward:
    require(actor, "project.announce", idea.project)
    if idea.status != IdeaStatus.WINNER:
        raise Conflict(_("Rewards go to the authors of winning ideas."))
    reward = Reward.objects.create(
        user=idea.author,
        idea=idea,
        what=what.strip()[:200],
        handed_over_at=clock.now() if handed_over else None,
    )
    audit_record(actor=actor, action="reward.recorded", target=idea, data={"what": reward.what})
    notify(
        user=idea.author,
        kind="status",
        title=_("A reward for «%(title)s»: %(what)s") % {"title": idea.title, "what": reward.what},
        url=idea.get_absolute_url(),
    )
    return reward


@transaction.atomic
def follow_toggle(*, actor: Any, project: Project | None = None, idea: Idea | None = None) -> bool:
    """Follow or stop following; returns whether ``actor`` follows now."""
    if not getattr(actor, "is_authenticated", False):
        from vmeste.core.errors import NotAuthenticated

        raise NotAuthenticated()
    qs = (
        Follow.objects.filter(user=actor, idea=idea)
        if idea
        else Follow.objects.filter(user=actor, project=project, idea__isnull=True)
    )
    if qs.exists():
        qs.delete()
        return False
    Follow.objects.create(user=actor, idea=idea, project=project if idea is None else None)
    return True

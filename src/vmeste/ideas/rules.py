"""Who may do what in a project, decided by the stage that is active now."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from vmeste.accounts.models import Role
from vmeste.accounts.roles import has_role, has_verified_email
from vmeste.core.permissions import is_platform_admin, rule

from .models import ExpertAssignment, Idea, IdeaStatus, Project, StageKind

OPEN_FOR_COMMENTS = {StageKind.PROPOSE, StageKind.REVIEW, StageKind.IMPROVE, StageKind.VOTE}


is_verified = has_verified_email


def may_take_part(user: Any, project: Project) -> bool:
    if not is_verified(user):
        return False
    if project.participation == Project.Participation.DISTRICT:
        return bool(user.district_id) and user.district_id == project.organizer.district_id
    return True


# Stage-bound rules are registered with admins=False: the stage binds a platform admin too, who
# otherwise counts as a project admin and moderator everywhere.
def _admin_of(user: Any, project: Project) -> bool:
    return is_platform_admin(user) or has_role(user, Role.Kind.PROJECT_ADMIN, project.organizer)


def _moderator_of(user: Any, project: Project) -> bool:
    return is_platform_admin(user) or has_role(
        user, {Role.Kind.MODERATOR, Role.Kind.PROJECT_ADMIN}, project.organizer
    )


def is_assigned_expert(user: Any, idea: Idea) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    scope = Q(idea=idea) | Q(direction_id=idea.direction_id, direction__isnull=False)
    return ExpertAssignment.objects.filter(scope, project_id=idea.project_id, expert=user).exists()


@rule("project.view")
def _view_project(user: Any, project: Project) -> bool:
    return project.is_published or _admin_of(user, project)


@rule("project.manage")
def _manage(user: Any, project: Any) -> bool:
    """Create (``project`` is the organizer organization then) and edit projects, assign experts."""
    organizer = project.organizer if isinstance(project, Project) else project
    return organizer is not None and has_role(user, Role.Kind.PROJECT_ADMIN, organizer)


@rule("idea.propose", admins=False)
def _propose(user: Any, project: Project) -> bool:
    return project.is_active(StageKind.PROPOSE) and may_take_part(user, project)


@rule("idea.view")
def _view_idea(user: Any, idea: Idea) -> bool:
    if idea.is_public and idea.project.is_published:
        return True
    is_author = getattr(user, "is_authenticated", False) and idea.author_id == user.pk
    return is_author or _moderator_of(user, idea.project)


@rule("idea.edit", admins=False)
def _edit(user: Any, idea: Idea) -> bool:
    if not getattr(user, "is_authenticated", False) or idea.author_id != user.pk:
        return False
    if idea.status in {IdeaStatus.DRAFT, IdeaStatus.RETURNED}:
        return True
    return idea.status == IdeaStatus.SUBMITTED and idea.project.is_active(StageKind.PROPOSE)


@rule("idea.withdraw", admins=False)
def _withdraw(user: Any, idea: Idea) -> bool:
    """The author may withdraw until the experts' review begins."""
    if not getattr(user, "is_authenticated", False) or idea.author_id != user.pk:
        return False
    review = idea.project.stage(StageKind.REVIEW)
    from vmeste.core import clock

    return review is None or clock.now() < review.starts_at


@rule("idea.moderate")
def _moderate(user: Any, idea: Idea) -> bool:
    return _moderator_of(user, idea.project)


@rule("idea.comment", admins=False)
def _comment(user: Any, idea: Idea) -> bool:
    return (
        idea.is_public
        and bool(idea.project.stages_active() & OPEN_FOR_COMMENTS)
        and is_verified(user)
    )


@rule("idea.report")
def _report(user: Any, idea: Idea) -> bool:
    return is_verified(user)


@rule("idea.review", admins=False)
def _review(user: Any, idea: Idea) -> bool:
    return (
        idea.status == IdeaStatus.PUBLISHED
        and idea.project.is_active(StageKind.REVIEW)
        and is_assigned_expert(user, idea)
    )


@rule("idea.decide", admins=False)
def _decide(user: Any, idea: Idea) -> bool:
    """The commission's chair (a project admin) decides while the review is on."""
    return idea.project.is_active(StageKind.REVIEW) and _admin_of(user, idea.project)


@rule("idea.suggest", admins=False)
def _suggest(user: Any, idea: Idea) -> bool:
    return (
        idea.status == IdeaStatus.SHORTLISTED
        and idea.project.is_active(StageKind.IMPROVE)
        and is_verified(user)
    )


@rule("idea.accept_suggestion", admins=False)
def _accept(user: Any, idea: Idea) -> bool:
    is_author = getattr(user, "is_authenticated", False) and idea.author_id == user.pk
    return idea.project.is_active(StageKind.IMPROVE) and (
        is_author or _moderator_of(user, idea.project)
    )


@rule("idea.vote", admins=False)
def _vote(user: Any, idea: Idea) -> bool:
    return (
        idea.status == IdeaStatus.SHORTLISTED
        and idea.project.is_active(StageKind.VOTE)
        and may_take_part(user, idea.project)
    )


@rule("project.announce")
def _announce(user: Any, project: Project) -> bool:
    return _admin_of(user, project)


@rule("idea.implement", admins=False)
def _implement(user: Any, idea: Idea) -> bool:
    if idea.status != IdeaStatus.WINNER:
        return False
    if _admin_of(user, idea.project):
        return True
    return idea.responsible is not None and has_role(
        user, {Role.Kind.EXECUTOR, Role.Kind.SUPERVISOR}, idea.responsible
    )


@rule("comment.hide")
def _hide(user: Any, comment: Any) -> bool:
    return _moderator_of(user, comment.idea.project)

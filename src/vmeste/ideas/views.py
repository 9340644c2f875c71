"""Pages of projects and ideas. Each POST action parses a form, calls one service and redirects."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from vmeste.core.errors import DomainError, NotFound, ValidationFailed
from vmeste.core.forms import run_service
from vmeste.core.http import is_htmx, signed_in
from vmeste.core.pagecache import visitor_page
from vmeste.core.permissions import can, require

from . import fragments, selectors, services, similar
from .forms import (
    AssignExpertForm,
    CommentForm,
    DecisionForm,
    HideForm,
    IdeaForm,
    ImplementationForm,
    ModerateIdeaForm,
    ProjectForm,
    ReportForm,
    RewardForm,
    SuggestionDecisionForm,
    SuggestionForm,
)
from .models import (
    Comment,
    Idea,
    IdeaStatus,
    PointsEntry,
    Project,
    Reward,
    StageKind,
    Suggestion,
    Vote,
)


def _project(request: HttpRequest, slug: str) -> Project:
    try:
        return selectors.project_get_for(user=request.user, slug=slug)
    except NotFound:
        raise Http404 from None


def _idea(request: HttpRequest, project: Project, idea_id: int) -> Idea:
    try:
        return selectors.idea_get_for(user=request.user, project=project, idea_id=idea_id)
    except NotFound:
        raise Http404 from None


def project_list(request: HttpRequest) -> HttpResponse:
    projects = selectors.project_list(user=request.user)
    groups = [
        (phase, [p for p in projects if p.phase == phase])
        for phase in ("active", "upcoming", "finished")
    ]
    return render(request, "ideas/project_list.html", {"groups": groups})


def _filters(request: HttpRequest) -> selectors.IdeaFilters:
    def number(name: str) -> int | None:
        value = request.GET.get(name, "")
        return int(value) if value.isdigit() and len(value) < 12 else None

    status = request.GET.get("status") or None
    return selectors.IdeaFilters(
        direction=number("direction"),
        institution=number("institution"),
        status=status if status in IdeaStatus.values else None,
        mine=request.GET.get("mine") == "1",
        q=(request.GET.get("q") or "")[:200] or None,
        sort=request.GET.get("sort", "new"),
    )


def _idea_list_html(
    request: HttpRequest, project: Project, filters: selectors.IdeaFilters, my_votes: set[int]
) -> str:
    """The cards, the count and the pages; the same for everybody who has not voted in the
    project (and asks for the list of all, not «only mine»), so that variant is cached."""
    query = request.GET.copy()
    query.pop("page", None)

    def render_list() -> str:
        page = Paginator(
            selectors.idea_list(project=project, user=request.user, filters=filters), 20
        ).get_page(request.GET.get("page"))
        return render_to_string(
            "ideas/_idea_list.html",
            {"page": page, "query": query.urlencode(), "my_votes": my_votes},
        )

    if my_votes or filters.mine:
        return render_list()
    return fragments.cached(
        "idea_list",
        fragments.idea_list_key(project.pk, repr(sorted(request.GET.lists()))),
        render_list,
    )


@visitor_page(fragments.project_page)
def project_detail(request: HttpRequest, slug: str) -> HttpResponse:
    project = _project(request, slug)
    filters = _filters(request)
    my_votes = selectors.my_votes(request.user, project)
    idea_list_html = _idea_list_html(request, project, filters, my_votes)
    if is_htmx(request):
        return HttpResponse(idea_list_html)
    context = {
        "project": project,
        "idea_list_html": mark_safe(idea_list_html),
        "filters": filters,
        "stages": list(project.stages.all()),
        "active": project.stages_active(),
        "counter": selectors.counter(project),
        "can_propose": can(request.user, "idea.propose", project),
        "can_manage": can(request.user, "project.manage", project),
        "statuses": IdeaStatus.choices,
        "following": request.user.is_authenticated
        and project.followers.filter(user=request.user, idea__isnull=True).exists(),
    }
    return render(request, "ideas/project.html", context)


def _form_errors_to_messages(request: HttpRequest, form: Any) -> None:
    for errors in form.errors.values():
        for message in errors:
            messages.error(request, str(message))


@login_required
@require_http_methods(["GET", "POST"])
def idea_propose(request: HttpRequest, slug: str, idea_id: int | None = None) -> HttpResponse:
    """The submission form: «save the draft» keeps it for later, «submit» sends it to moderation."""
    project = _project(request, slug)
    user = signed_in(request)
    idea = _idea(request, project, idea_id) if idea_id else None
    if idea is None:
        require(user, "idea.propose", project)
    else:
        require(user, "idea.edit", idea)
    initial = (
        {
            "title": idea.title,
            "text": idea.text,
            "direction": idea.direction,
            "institution": idea.institution,
        }
        if idea
        else None
    )
    form = IdeaForm(request.POST or None, project=project, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        saved = run_service(
            form,
            lambda: services.idea_save(
                actor=user,
                project=project,
                idea=idea,
                title=data["title"],
                text=data["text"],
                direction=data["direction"],
                institution=data["institution"],
                submit="submit" in request.POST,
            ),
        )
        if saved is not None:
            similar.forget(project.pk)
            messages.success(
                request,
                _("The idea is sent to moderation.")
                if saved.status == IdeaStatus.SUBMITTED
                else _("The draft is saved."),
            )
            return redirect(saved.get_absolute_url())
    return render(request, "ideas/propose.html", {"project": project, "form": form, "idea": idea})


def similar_ideas(request: HttpRequest, slug: str) -> HttpResponse:
    project = _project(request, slug)
    text = f"{request.GET.get('title', '')} {request.GET.get('text', '')}"[:2000]
    found = similar.similar_ideas(project_id=project.pk, text=text)
    return render(request, "ideas/_similar.html", {"project": project, "found": found})


def _comments_html(request: HttpRequest, idea: Idea, context: dict[str, Any]) -> str:
    """The comment thread. Without reply, report or hide forms and without one's own comments
    (a visitor, a resident reading a closed discussion) it is the same for everybody: cached until
    a comment of the idea changes."""
    can_do, user = context["can"], request.user

    def render_thread(for_request: HttpRequest | None) -> str:
        if for_request is None:  # the variant without forms
            return fragments.public_thread_html(selectors.comment_tree(idea, public=True))
        return render_to_string(
            "ideas/_comments.html",
            {**context, "comments": selectors.comment_tree(idea), "user": user},
            request=for_request,
        )

    personal = (
        can_do["idea.comment"]
        or can_do["idea.report"]
        or can_do["idea.moderate"]
        or (user.is_authenticated and Comment.objects.filter(idea=idea, author=user).exists())
    )
    if personal:
        return mark_safe(render_thread(request))
    html = fragments.cached(
        "comments", fragments.comments_key(idea.pk, idea.project_id), lambda: render_thread(None)
    )
    return mark_safe(html)


@visitor_page(fragments.idea_page)
def idea_detail(request: HttpRequest, slug: str, idea_id: int) -> HttpResponse:
    project = _project(request, slug)
    idea = _idea(request, project, idea_id)
    user = request.user
    is_author = user.is_authenticated and (idea.author_id == user.pk)
    can_do = {
        action: can(user, action, idea)
        for action in (
            "idea.edit",
            "idea.withdraw",
            "idea.moderate",
            "idea.comment",
            "idea.report",
            "idea.review",
            "idea.decide",
            "idea.suggest",
            "idea.accept_suggestion",
            "idea.vote",
            "idea.implement",
        )
    }
    context: dict[str, Any] = {
        "project": project,
        "idea": idea,
        "is_author": is_author,
        "history": selectors.idea_history(idea),
        "diffs": selectors.version_diffs(idea),
        "suggestions": selectors.suggestions_of(idea),
        "voted": idea.pk in selectors.my_votes(user, project),
        "can": can_do,
        "comment_form": CommentForm(),
        "report_form": ReportForm(),
        "hide_form": HideForm(),
        "suggestion_form": SuggestionForm(initial={"text": idea.text}),
        "moderate_form": ModerateIdeaForm(),
        "decision_form": DecisionForm(),
        "milestones": idea.milestones.all(),
        "photos": idea.implementation_photos.all(),
        "implementation_form": ImplementationForm(
            initial={
                "status": idea.implementation_status or "planned",
                "progress": idea.progress,
                "milestones": "\n".join(
                    f"{m.due_on} | {m.title}" + (f" | {m.done_on}" if m.done_on else "")
                    for m in idea.milestones.all()
                ),
            }
        ),
        "following": user.is_authenticated and idea.followers.filter(user=user).exists(),
        "criteria": list(project.criteria.all()) if can(user, "idea.review", idea) else [],
        "comment_edit_minutes": Comment.EDIT_MINUTES,
    }
    context["comments_html"] = _comments_html(request, idea, context)
    return render(request, "ideas/idea.html", context)


Action = Callable[[Any, Idea, dict[str, Any], HttpRequest], Any]


def _act_moderate(user: Any, idea: Idea, d: dict[str, Any], request: HttpRequest) -> Any:
    original = (
        Idea.objects.filter(project=idea.project, pk=d["duplicate_of"]).first()
        if d.get("duplicate_of")
        else None
    )
    return services.idea_moderate(
        actor=user,
        idea=idea,
        decision=d["decision"],
        reason=d["reason"],
        note=d["note"],
        duplicate_of=original,
    )


def _act_comment(user: Any, idea: Idea, d: dict[str, Any], request: HttpRequest) -> Any:
    parent = Comment.objects.filter(idea=idea, pk=d["parent"]).first() if d.get("parent") else None
    return services.comment_add(actor=user, idea=idea, text=d["text"], parent=parent)


def _act_report(user: Any, idea: Idea, d: dict[str, Any], request: HttpRequest) -> Any:
    comment = (
        Comment.objects.filter(idea=idea, pk=d["comment"]).first() if d.get("comment") else None
    )
    return services.content_report(
        actor=user, reason=d["reason"], note=d["note"], idea=idea, comment=comment
    )


def _act_decide_suggestion(user: Any, idea: Idea, d: dict[str, Any], request: HttpRequest) -> Any:
    suggestion = Suggestion.objects.filter(idea=idea, pk=d["suggestion"]).first()
    if suggestion is None:
        raise NotFound()
    return services.suggestion_decide(
        actor=user, suggestion=suggestion, accept=d["accept"] == "yes", note=d["note"]
    )


def _act_decide(user: Any, idea: Idea, d: dict[str, Any], request: HttpRequest) -> Any:
    target = (
        Idea.objects.filter(project=idea.project, pk=d["merge_into"]).first()
        if d.get("merge_into")
        else None
    )
    return services.idea_decide(
        actor=user, idea=idea, decision=d["decision"], reason=d["reason"], merge_into=target
    )


def _act_review(user: Any, idea: Idea, d: dict[str, Any], request: HttpRequest) -> Any:
    scores: dict[int, tuple[int, str]] = {}
    for criterion in idea.project.criteria.all():
        raw = request.POST.get(f"score_{criterion.pk}", "").strip()
        if raw.isdigit() and len(raw) < 4:
            scores[criterion.pk] = (int(raw), request.POST.get(f"note_{criterion.pk}", "")[:1000])
    return services.review_submit(
        actor=user,
        idea=idea,
        scores=scores,
        comment=request.POST.get("comment", "")[:4000],
        conflict=request.POST.get("conflict") == "on",
    )


def _act_implementation(user: Any, idea: Idea, d: dict[str, Any], request: HttpRequest) -> Any:
    return services.implementation_update(
        actor=user,
        idea=idea,
        status=d["status"],
        progress=d["progress"],
        note=d["note"],
        milestones=d["milestones"],
        photos=request.FILES.getlist("photos")[:10],
    )


def _act_edit_comment(user: Any, idea: Idea, d: dict[str, Any], request: HttpRequest) -> Any:
    comment = Comment.objects.filter(idea=idea, pk=d["parent"]).first() if d.get("parent") else None
    if comment is None:
        raise NotFound()
    return services.comment_edit(actor=user, comment=comment, text=d["text"])


def _act_reward(user: Any, idea: Idea, d: dict[str, Any], request: HttpRequest) -> Any:
    return services.reward_record(
        actor=user, idea=idea, what=d["what"], handed_over=d["handed_over"]
    )


ACTIONS: dict[str, tuple[Any, Action, str]] = {
    "vote": (
        None,
        lambda u, i, d, r: services.vote_cast(actor=u, idea=i),
        _("Your vote is counted."),
    ),
    "unvote": (
        None,
        lambda u, i, d, r: services.vote_withdraw(actor=u, idea=i),
        _("Your vote is withdrawn."),
    ),
    "withdraw": (
        None,
        lambda u, i, d, r: services.idea_withdraw(actor=u, idea=i),
        _("The idea is withdrawn."),
    ),
    "follow": (None, lambda u, i, d, r: services.follow_toggle(actor=u, idea=i), _("Done.")),
    "moderate": (ModerateIdeaForm, _act_moderate, _("The decision is recorded.")),
    "comment": (CommentForm, _act_comment, _("The comment is published.")),
    "report": (ReportForm, _act_report, _("Thank you: moderators will look at it.")),
    "suggest": (
        SuggestionForm,
        lambda u, i, d, r: services.suggestion_add(
            actor=u, idea=i, text=d["text"], comment=d["comment"]
        ),
        _("Your suggestion is sent to the author."),
    ),
    "suggestion": (
        SuggestionDecisionForm,
        _act_decide_suggestion,
        _("The decision on the suggestion is recorded."),
    ),
    "decide": (DecisionForm, _act_decide, _("The decision is recorded.")),
    "review": (None, _act_review, _("Your scores are recorded.")),
    "implementation": (
        ImplementationForm,
        _act_implementation,
        _("The implementation is updated."),
    ),
    "edit-comment": (CommentForm, _act_edit_comment, _("The comment is changed.")),
    "reward": (RewardForm, _act_reward, _("The reward is recorded.")),
}


@login_required
@require_POST
def idea_action(request: HttpRequest, slug: str, idea_id: int, action: str) -> HttpResponse:
    project = _project(request, slug)
    idea = _idea(request, project, idea_id)
    if action not in ACTIONS:
        raise Http404
    form_class, call, done = ACTIONS[action]
    form = form_class(request.POST) if form_class else None
    if form is not None and not form.is_valid():
        _form_errors_to_messages(request, form)
        return redirect(idea.get_absolute_url())
    try:
        call(signed_in(request), idea, form.cleaned_data if form else {}, request)
    except ValidationFailed as error:
        for item in error.details.get("errors") or [{"message": str(error.message)}]:
            messages.error(request, item["message"])
    except DomainError as error:
        if isinstance(error, NotFound):
            raise Http404 from None
        messages.error(request, str(error.message))
    else:
        messages.success(request, done)
    if is_htmx(request) and action in {"vote", "unvote"}:
        idea.refresh_from_db()
        return render(
            request,
            "ideas/_vote.html",
            {
                "idea": idea,
                "project": project,
                "voted": action == "vote" and idea.pk in selectors.my_votes(request.user, project),
                "can": {"idea.vote": can(request.user, "idea.vote", idea)},
            },
        )
    return redirect(idea.get_absolute_url())


@login_required
@require_POST
def comment_hide(request: HttpRequest, slug: str, comment_id: int) -> HttpResponse:
    project = _project(request, slug)
    comment = (
        Comment.objects.filter(pk=comment_id, idea__project=project)
        .select_related("idea__project")
        .first()
    )
    if comment is None:
        raise Http404
    form = HideForm(request.POST)
    if form.is_valid():
        try:
            services.comment_hide(
                actor=signed_in(request), comment=comment, reason=form.cleaned_data["reason"]
            )
            messages.success(request, _("The comment is hidden."))
        except DomainError as error:
            messages.error(request, str(error.message))
    else:
        _form_errors_to_messages(request, form)
    return redirect(comment.idea.get_absolute_url())


@login_required
@require_POST
def project_follow(request: HttpRequest, slug: str) -> HttpResponse:
    project = _project(request, slug)
    following = services.follow_toggle(actor=signed_in(request), project=project)
    messages.success(
        request,
        _("You follow the project.") if following else _("You no longer follow the project."),
    )
    return redirect(project.get_absolute_url())


@login_required
def expert_workspace(request: HttpRequest, slug: str) -> HttpResponse:
    project = _project(request, slug)
    user = signed_in(request)
    ideas = selectors.expert_ideas(user=user, project=project)
    if not ideas and not can(user, "project.manage", project):
        raise Http404
    reviewed = set(project.ideas.filter(reviews__expert=user).values_list("pk", flat=True))
    return render(
        request, "ideas/experts.html", {"project": project, "ideas": ideas, "reviewed": reviewed}
    )


@login_required
@require_http_methods(["GET", "POST"])
def commission(request: HttpRequest, slug: str) -> HttpResponse:
    """The chair's table, and the assignment of experts by direction or by idea."""
    project = _project(request, slug)
    user = signed_in(request)
    require(user, "project.manage", project)
    form = AssignExpertForm(request.POST or None, project=project)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        idea = project.ideas.filter(pk=d["idea"]).first() if d.get("idea") else None
        try:
            services.experts_assign(
                actor=user, project=project, expert=d["expert"], direction=d["direction"], idea=idea
            )
        except DomainError as error:
            form.add_error(None, str(error.message))
        else:
            messages.success(request, _("The expert is assigned."))
            return redirect("ideas:commission", slug=project.slug)
    return render(
        request,
        "ideas/commission.html",
        {
            "project": project,
            "rows": selectors.review_table(project),
            "criteria": list(project.criteria.all()),
            "assign_form": form,
            "assignments": project.expert_assignments.select_related("expert", "direction", "idea"),
            "can_decide": project.is_active(StageKind.REVIEW),
        },
    )


@login_required
def my_ideas(request: HttpRequest) -> HttpResponse:
    user = signed_in(request)
    ideas = (
        Idea.objects.filter(author=user)
        .select_related("project", "direction")
        .order_by("-created_at")
    )
    votes = (
        Vote.objects.filter(user=user, withdrawn_at__isnull=True)
        .select_related("idea__project")
        .order_by("-cast_at")
    )
    points = sum(PointsEntry.objects.filter(user=user).values_list("points", flat=True))
    return render(
        request,
        "ideas/mine.html",
        {
            "ideas": ideas,
            "votes": votes,
            "points": points,
            "rewards": Reward.objects.filter(user=user).select_related("idea"),
        },
    )


def results(request: HttpRequest, slug: str) -> HttpResponse:
    project = _project(request, slug)
    ranked = services.ranking(project) if project.results_announced_at else []
    return render(
        request,
        "ideas/results.html",
        {"project": project, "ranked": ranked, "counter": selectors.counter(project)},
    )


@login_required
@require_POST
def project_announce(request: HttpRequest, slug: str) -> HttpResponse:
    project = _project(request, slug)
    try:
        count = services.results_announce(project_id=project.pk, actor=signed_in(request))
        messages.success(request, _("Results are announced: %(n)s winners.") % {"n": count})
    except DomainError as error:
        messages.error(request, str(error.message))
    return redirect("ideas:results", slug=project.slug)


@login_required
def moderation(request: HttpRequest) -> HttpResponse:
    user = signed_in(request)
    require(user, "staff.workspace")
    return render(
        request,
        "ideas/moderation.html",
        {
            **selectors.moderation_queue(user=user),
            "moderate_form": ModerateIdeaForm(),
            "hide_form": HideForm(),
        },
    )


@login_required
@require_POST
def report_dismiss(request: HttpRequest, report_id: int) -> HttpResponse:
    from .models import Report

    report = (
        Report.objects.filter(pk=report_id)
        .select_related("idea__project", "comment__idea__project")
        .first()
    )
    if report is None:
        raise Http404
    services.report_dismiss(actor=signed_in(request), report=report)
    messages.success(request, _("The report is dismissed."))
    return redirect("ideas:moderation")


@login_required
@require_http_methods(["GET", "POST"])
def project_edit(request: HttpRequest, slug: str | None = None) -> HttpResponse:
    """Project admins create and change projects here; a new project stays a draft until published."""
    user = signed_in(request)
    project = _project(request, slug) if slug else None
    if project is not None:
        require(user, "project.manage", project)
    elif not can(user, "staff.workspace"):
        raise Http404
    initial: dict[str, Any] = {}
    if project is not None:
        initial = {
            f: getattr(project, f)
            for f in (
                "title",
                "slug",
                "summary",
                "description",
                "organizer",
                "ideas_per_participant",
                "votes_per_participant",
                "participation",
                "winner_rule",
                "winners_count",
            )
        }
        initial["institutions"] = list(project.institutions.all())
        initial["directions"] = "\n".join(
            f"{d.name} | {d.description}" for d in project.directions.all()
        )
        initial["criteria"] = "\n".join(
            f"{c.name} | {c.weight} | {c.scale_max}" for c in project.criteria.all()
        )
        for stage in project.stages.all():
            initial[f"stage_{stage.kind}_start"] = stage.starts_at
            initial[f"stage_{stage.kind}_end"] = stage.ends_at
    form = ProjectForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data

        def save() -> Project:
            project_saved = services.project_save(
                actor=user,
                project=project,
                title=d["title"],
                slug=d["slug"],
                description=d["description"],
                summary=d["summary"],
                organizer=d["organizer"],
                institutions=d["institutions"],
                ideas_per_participant=d["ideas_per_participant"],
                votes_per_participant=d["votes_per_participant"],
                participation=d["participation"],
                winner_rule=d["winner_rule"],
                winners_count=d["winners_count"],
                cover=d.get("cover"),
                stages=form.stages(),
                directions=d["directions"],
                criteria=d["criteria"],
            )
            if "publish" in request.POST and not project_saved.is_published:
                services.project_publish(actor=user, project=project_saved)
            return project_saved

        saved = run_service(form, save)
        if saved is not None:
            messages.success(request, _("The project is saved."))
            return redirect(saved.get_absolute_url())
    return render(request, "ideas/project_edit.html", {"form": form, "project": project})

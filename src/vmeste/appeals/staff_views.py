"""The staff workspace: queues per role, the appeal card with every action, bulk assignment, CSV."""

from __future__ import annotations

import csv
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    StreamingHttpResponse,
)
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from vmeste.core.audit import audit_record
from vmeste.core.errors import DomainError, NotFound
from vmeste.core.forms import run_service
from vmeste.core.http import signed_in
from vmeste.core.permissions import can, require

from . import selectors, services
from .forms import (
    AnswerForm,
    BulkAssignForm,
    ExtendForm,
    ModerateForm,
    QuestionForm,
    ReassignForm,
    ReviewForm,
    StaffFilterForm,
)
from .models import AWAITING_ANSWER, Answer, Appeal, Status
from .views import filters_from

QUEUE_LABELS = {
    "work": _("Our appeals by deadline"),
    "moderation": _("Moderation"),
    "review": _("Answers to approve"),
    "overdue": _("Overdue"),
    "disputes": _("Disputed"),
    "planned": _("Work planned"),
    "all": _("All"),
}


def _staff_only(request: HttpRequest) -> Any:
    user = signed_in(request)
    require(user, "staff.workspace")
    return user


@login_required
def workspace(request: HttpRequest) -> HttpResponse:
    user = _staff_only(request)
    queue = request.GET.get("queue", "work")
    if queue not in selectors.QUEUES:
        queue = "work"
    form = StaffFilterForm(request.GET or None)
    qs = selectors.appeal_queue(user=user, queue=queue, filters=filters_from(form))
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    sizes = selectors.queue_sizes(user)
    tabs = [(name, QUEUE_LABELS[name], sizes.get(name)) for name in selectors.QUEUES]
    return render(
        request,
        "appeals/staff/workspace.html",
        {
            "form": form,
            "page": page,
            "queue": queue,
            "tabs": tabs,
            "query": query.urlencode(),
            "bulk_form": BulkAssignForm(),
            "can_bulk": selectors.staff_scope(user, {"supervisor"}) is not None,
        },
    )


def _export_rows(qs: Any) -> Any:
    yield [
        _("Number"),
        _("Status"),
        _("Category"),
        _("Organization"),
        _("District"),
        _("Address"),
        _("Submitted"),
        _("Due"),
        _("Overdue since"),
        _("Answered"),
        _("On time"),
    ]
    for appeal in qs.iterator(chunk_size=500):
        yield [
            appeal.number,
            appeal.get_status_display(),
            str(appeal.category),
            str(appeal.organization or ""),
            str(appeal.district or ""),
            appeal.address,
            _local(appeal.created_at),
            _local(appeal.due_at),
            _local(appeal.overdue_at),
            _local(appeal.answered_at),
            ""
            if appeal.is_answered_on_time is None
            else (_("yes") if appeal.is_answered_on_time else _("no")),
        ]


def _local(moment: Any) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


class _Echo:
    def write(self, value: str) -> str:
        return value


@login_required
def workspace_export(request: HttpRequest) -> StreamingHttpResponse:
    user = _staff_only(request)
    queue = request.GET.get("queue", "work")
    form = StaffFilterForm(request.GET or None)
    qs = selectors.appeal_queue(
        user=user, queue=queue if queue in selectors.QUEUES else "work", filters=filters_from(form)
    )
    writer = csv.writer(_Echo())
    response = StreamingHttpResponse(
        ("\ufeff" if i == 0 else "") + writer.writerow(row)
        for i, row in enumerate(_export_rows(qs))
    )
    response["Content-Type"] = "text/csv; charset=utf-8"
    response["Content-Disposition"] = f'attachment; filename="appeals-{queue}.csv"'
    return response


@login_required
@require_POST
def bulk_assign(request: HttpRequest) -> HttpResponse:
    user = _staff_only(request)
    form = BulkAssignForm(request.POST)
    numbers = request.POST.getlist("appeals")[:200]
    if not numbers:
        messages.error(request, _("Select the appeals to hand over."))
    elif form.is_valid():
        done, failed = 0, []
        for number in numbers:
            try:
                appeal = selectors.staff_appeal_get(user=user, number=number)
                services.appeal_reassign(
                    actor=user,
                    appeal=appeal,
                    organization=form.cleaned_data["organization"],
                    reason=form.cleaned_data["reason"],
                )
                done += 1
            except DomainError as error:
                failed.append(f"{number}: {error.message}")
        if done:
            messages.success(request, _("Handed over: %(n)s.") % {"n": done})
        for line in failed:
            messages.error(request, line)
    else:
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, str(message))
    # Back to the list the staff member came from; anything but a path of this site (a view
    # name, another host) goes to the workspace.
    back = request.POST.get("next", "")
    if not (
        back.startswith("/")
        and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()})
    ):
        back = reverse("appeals_staff:workspace")
    return HttpResponseRedirect(back)


def _get(request: HttpRequest, number: str) -> Appeal:
    try:
        return selectors.staff_appeal_get(user=request.user, number=number)
    except NotFound:
        raise Http404 from None


def _card(
    request: HttpRequest, appeal: Appeal, forms: dict[str, Any] | None = None, status: int = 200
) -> HttpResponse:
    user = request.user
    forms = forms or {}
    context: dict[str, Any] = {
        "appeal": appeal,
        "photos": appeal.photos.filter(answer__isnull=True),
        "answers": appeal.answers.select_related("author", "organization").prefetch_related(
            "photos"
        ),
        "messages_list": appeal.messages.select_related("author"),
        "history": selectors.appeal_history(appeal, private=True),
        "pending_answer": appeal.answers.filter(state=Answer.State.REVIEW).first(),
    }
    if appeal.status == Status.SUBMITTED and can(user, "appeal.moderate", appeal):
        context["moderate_form"] = forms.get("moderate") or ModerateForm()
    if can(user, "appeal.work", appeal):
        if appeal.status in {Status.ASSIGNED, Status.REOPENED}:
            context["can_take"] = True
        if appeal.status in {Status.ASSIGNED, Status.IN_PROGRESS, Status.REOPENED}:
            context["question_form"] = forms.get("question") or QuestionForm()
        if appeal.status in {Status.ASSIGNED, Status.IN_PROGRESS, Status.REOPENED, Status.PLANNED}:
            context["answer_form"] = forms.get("answer") or AnswerForm(category=appeal.category)
    if appeal.status == Status.ANSWER_REVIEW and can(user, "appeal.approve", appeal):
        context["review_form"] = forms.get("review") or ReviewForm()
    if can(user, "appeal.reassign", appeal) and appeal.status in AWAITING_ANSWER | {
        Status.SUBMITTED
    }:
        context["reassign_form"] = forms.get("reassign") or ReassignForm()
    if (
        can(user, "appeal.extend", appeal)
        and appeal.status in AWAITING_ANSWER
        and not appeal.extended_at
        and not appeal.overdue_at
    ):
        context["extend_form"] = forms.get("extend") or ExtendForm()
    # A refused form is shown with its errors even when the action is no longer offered.
    for name, form in forms.items():
        context[f"{name}_form"] = form
    return render(request, "appeals/staff/card.html", context, status=status)


@login_required
def card(request: HttpRequest, number: str) -> HttpResponse:
    _staff_only(request)
    return _card(request, _get(request, number))


@login_required
@require_POST
def contacts(request: HttpRequest, number: str) -> HttpResponse:
    """Show the author's contacts; every look is recorded (who viewed whose contacts, when)."""
    user = _staff_only(request)
    appeal = _get(request, number)
    from django.db import transaction

    with transaction.atomic():
        audit_record(actor=user, action="appeal.contacts_viewed", target=appeal)
    return render(request, "appeals/staff/_contacts.html", {"appeal": appeal})


def _action(
    request: HttpRequest,
    number: str,
    name: str,
    form_class: Any,
    call: Callable[[Any, Appeal, dict[str, Any]], Any],
    done: str,
    **form_kwargs: Any,
) -> HttpResponse:
    user = _staff_only(request)
    appeal = _get(request, number)
    form = form_class(request.POST, request.FILES or None, **form_kwargs)
    if (
        form.is_valid()
        and run_service(form, lambda: call(user, appeal, form.cleaned_data) or True) is not None
    ):
        messages.success(request, done)
        return redirect("appeals_staff:card", number=appeal.number)
    appeal.refresh_from_db()
    return _card(request, appeal, {name: form}, status=200)


@login_required
@require_POST
def moderate(request: HttpRequest, number: str) -> HttpResponse:
    return _action(
        request,
        number,
        "moderate",
        ModerateForm,
        lambda user, appeal, d: services.appeal_moderate(
            actor=user,
            appeal=appeal,
            decision=d["decision"],
            reason=d["reason"],
            redirected_to=d["redirected_to"],
        ),
        _("The decision is recorded."),
    )


@login_required
@require_POST
def take(request: HttpRequest, number: str) -> HttpResponse:
    user = _staff_only(request)
    appeal = _get(request, number)
    try:
        services.appeal_take(actor=user, appeal=appeal)
        messages.success(request, _("The appeal is in your work."))
    except DomainError as error:
        messages.error(request, str(error.message))
    return redirect("appeals_staff:card", number=appeal.number)


@login_required
@require_POST
def ask(request: HttpRequest, number: str) -> HttpResponse:
    return _action(
        request,
        number,
        "question",
        QuestionForm,
        lambda user, appeal, d: services.appeal_clarification_ask(
            actor=user, appeal=appeal, question=d["question"]
        ),
        _("The question is sent; the deadline is paused until the reply."),
    )


@login_required
@require_http_methods(["POST"])
def answer(request: HttpRequest, number: str) -> HttpResponse:
    _staff_only(request)
    appeal = _get(request, number)
    form = AnswerForm(request.POST, request.FILES or None, category=appeal.category)
    if form.is_valid() and not form.cleaned_data["text"].strip() and form.cleaned_data["template"]:
        # Chose a template without writing: put its text in the field to edit, do not send yet.
        data = request.POST.copy()
        data["text"] = form.cleaned_data["template"].text
        return _card(request, appeal, {"answer": AnswerForm(data, category=appeal.category)})
    return _action(
        request,
        number,
        "answer",
        AnswerForm,
        lambda u, a, d: services.answer_submit(
            actor=u, appeal=a, text=d["text"], planned_on=d["planned_on"], photos=d["photos"]
        ),
        _("The answer is sent to the supervisor for approval."),
        category=appeal.category,
    )


@login_required
@require_POST
def review(request: HttpRequest, number: str) -> HttpResponse:
    def call(user: Any, appeal: Appeal, data: dict[str, Any]) -> Any:
        pending = appeal.answers.filter(state=Answer.State.REVIEW).first()
        if pending is None:
            from vmeste.core.errors import Conflict

            raise Conflict(_("This answer is no longer awaiting review."))
        if data["decision"] == "approve":
            return services.answer_approve(actor=user, answer=pending, comment=data["comment"])
        return services.answer_return(actor=user, answer=pending, comment=data["comment"])

    return _action(
        request, number, "review", ReviewForm, call, _("The decision on the answer is recorded.")
    )


@login_required
@require_POST
def reassign(request: HttpRequest, number: str) -> HttpResponse:
    return _action(
        request,
        number,
        "reassign",
        ReassignForm,
        lambda user, appeal, d: services.appeal_reassign(
            actor=user, appeal=appeal, organization=d["organization"], reason=d["reason"]
        ),
        _("The appeal is handed over."),
    )


@login_required
@require_POST
def extend(request: HttpRequest, number: str) -> HttpResponse:
    return _action(
        request,
        number,
        "extend",
        ExtendForm,
        lambda user, appeal, d: services.appeal_extend(
            actor=user, appeal=appeal, days=d["days"], reason=d["reason"]
        ),
        _("The deadline is extended."),
    )

"""The operator's queue of signals and the signal card with its four reactions."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vmeste.accounts.models import Role
from vmeste.accounts.roles import organizations_where
from vmeste.core import clock
from vmeste.core.errors import NotFound
from vmeste.core.forms import run_service
from vmeste.core.http import signed_in
from vmeste.core.permissions import is_platform_admin, require

from . import services
from .forms import AnswerForm, AttachForm, CreateAppealForm, DismissForm, QueueFilterForm
from .models import Signal


def visible_signals(user: Any) -> QuerySet[Signal]:
    """Signals of the sources whose organization is at or below one of the user's operator roles."""
    queryset = Signal.objects.select_related("source", "category", "institution", "appeal")
    if is_platform_admin(user):
        return queryset
    paths = organizations_where(user, Role.Kind.OPERATOR)
    if not paths:
        return queryset.none()
    scope = Q()
    for path in paths:
        scope |= Q(source__organization__path__startswith=path)
    return queryset.filter(scope)


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    user = signed_in(request)
    require(user, "signal.queue")
    form = QueueFilterForm(request.GET or None)
    form.is_valid()
    data = form.cleaned_data if form.is_bound else {}
    signals = visible_signals(user)
    status = data.get("status") or "open"
    if status == "open":
        signals = signals.filter(status__in=[Signal.Status.NEW, Signal.Status.TRIAGED])
    elif status != "all":
        signals = signals.filter(status=status)
    if data.get("kind"):
        signals = signals.filter(kind=data["kind"])
    if data.get("source"):
        signals = signals.filter(source=data["source"])
    if data.get("overdue"):
        signals = signals.filter(reacted_at__isnull=True, reaction_due_at__lt=clock.now())
    page = Paginator(signals.order_by("-priority", "received_at", "pk"), 50).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "signals/queue.html",
        {"form": form, "page": page, "query": query.urlencode(), "now": clock.now()},
    )


def _get(request: HttpRequest, pk: int) -> Signal:
    try:
        return services.signal_get(request.user, pk)
    except NotFound:
        raise Http404 from None


def _initial(signal: Signal) -> dict[str, Any]:
    return {
        "category": signal.category_id,
        "institution": signal.institution_id,
        "district": signal.district_id,
        "address": signal.address,
        "text": signal.clean_text or signal.text,
    }


def _card(
    request: HttpRequest, signal: Signal, forms: dict[str, Any] | None = None, status: int = 200
) -> HttpResponse:
    forms = forms or {}
    context: dict[str, Any] = {
        "signal": signal,
        "replies": signal.replies.prefetch_related("attempt_log"),
        "suggestions": signal.suggestions or {},
        "reasons": signal.reasons or {},
    }
    if signal.is_open:
        context.update(
            create_form=forms.get("create")
            or CreateAppealForm(initial=_initial(signal), prefix="appeal"),
            attach_form=forms.get("attach") or AttachForm(prefix="attach"),
            answer_form=forms.get("answer") or AnswerForm(prefix="answer"),
            dismiss_form=forms.get("dismiss") or DismissForm(prefix="dismiss"),
        )
    return render(request, "signals/card.html", context, status=status)


@login_required
def card(request: HttpRequest, pk: int) -> HttpResponse:
    signed_in(request)
    return _card(request, _get(request, pk))


@login_required
@require_POST
def create_appeal(request: HttpRequest, pk: int) -> HttpResponse:
    signal = _get(request, pk)
    form = CreateAppealForm(request.POST, prefix="appeal")
    if form.is_valid():
        data = form.cleaned_data
        appeal = run_service(
            form,
            lambda: services.signal_create_appeal(
                actor=request.user,
                signal=signal,
                category=data["category"],
                text=data["text"],
                institution=data["institution"],
                district=data["district"],
                address=data["address"],
            ),
        )
        if appeal is not None:
            messages.success(
                request, _("Appeal № %(number)s is filed.") % {"number": appeal.number}
            )
            return redirect("signals:card", pk=signal.pk)
    return _card(request, signal, {"create": form}, status=422)


@login_required
@require_POST
def attach(request: HttpRequest, pk: int) -> HttpResponse:
    signal = _get(request, pk)
    form = AttachForm(request.POST, prefix="attach")
    if form.is_valid():
        appeal = run_service(
            form,
            lambda: services.signal_attach(
                actor=request.user, signal=signal, number=form.cleaned_data["number"]
            ),
        )
        if appeal is not None:
            messages.success(
                request, _("Attached to appeal № %(number)s.") % {"number": appeal.number}
            )
            return redirect("signals:card", pk=signal.pk)
    return _card(request, signal, {"attach": form}, status=422)


@login_required
@require_POST
def answer(request: HttpRequest, pk: int) -> HttpResponse:
    signal = _get(request, pk)
    form = AnswerForm(request.POST, prefix="answer")
    if form.is_valid():
        reply = run_service(
            form,
            lambda: services.signal_answer(
                actor=request.user, signal=signal, text=form.cleaned_data["text"]
            ),
        )
        if reply is not None:
            messages.success(request, _("The answer is queued for sending."))
            return redirect("signals:card", pk=signal.pk)
    return _card(request, signal, {"answer": form}, status=422)


@login_required
@require_POST
def dismiss(request: HttpRequest, pk: int) -> HttpResponse:
    signal = _get(request, pk)
    form = DismissForm(request.POST, prefix="dismiss")
    if form.is_valid():
        done = run_service(
            form,
            lambda: services.signal_dismiss(
                actor=request.user,
                signal=signal,
                reason=form.cleaned_data["reason"],
                comment=form.cleaned_data["comment"],
            ),
        )
        if done is not None:
            messages.success(request, _("The signal is dismissed."))
            return redirect("signals:queue")
    return _card(request, signal, {"dismiss": form}, status=422)

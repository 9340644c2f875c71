"""The operator's queue of signals and the signal card with its four reactions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from vmeste.core import clock
from vmeste.core.errors import NotFound
from vmeste.core.forms import run_service
from vmeste.core.http import signed_in
from vmeste.core.permissions import require

from . import services
from .forms import AnswerForm, AttachForm, CreateAppealForm, DismissForm, QueueFilterForm
from .models import Reply, Signal
from .selectors import AttachPreview, appeal_preview, signal_queue


@login_required
def queue(request: HttpRequest) -> HttpResponse:
    user = signed_in(request)
    require(user, "signal.queue")
    form = QueueFilterForm(request.GET or None)
    form.is_valid()
    data = form.cleaned_data if form.is_bound else {}
    signals = signal_queue(
        user,
        status=data.get("status") or "open",
        kind=data.get("kind") or "",
        source=data.get("source"),
        overdue=bool(data.get("overdue")),
    )
    page = Paginator(signals, 50).get_page(request.GET.get("page"))
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
    request: HttpRequest,
    signal: Signal,
    bound: dict[str, Any] | None = None,
    status: int = 200,
    failed: str = "",
    preview: AttachPreview | None = None,
) -> HttpResponse:
    """The signal with its triage; the four reaction forms while it is open (``bound`` keeps
    what was typed into the one that failed, keyed by its prefix).

    When another operator handled the signal meanwhile (a second tab, a colleague), the
    reaction that failed is still shown with its error and what was typed, so nothing is lost;
    the other three are not offered any more."""
    bound = bound or {}
    handled = None if signal.is_open else bound.get(failed)
    context: dict[str, Any] = {
        "signal": signal,
        "replies": signal.replies.prefetch_related("attempt_log"),
        "suggestions": signal.suggestions or {},
        "reasons": signal.reasons or {},
        "handled_form": handled,
        # What was typed into it, to copy: its text fields (not the choices or the files).
        "typed": [
            (field.label, field.value())
            for field in handled or ()
            if isinstance(field.field, forms.CharField) and field.value()
        ],
        "preview": preview,
    }
    if signal.is_open:
        context.update(
            create_form=bound.get("appeal")
            or CreateAppealForm(initial=_initial(signal), prefix="appeal"),
            attach_form=bound.get("attach") or AttachForm(prefix="attach"),
            answer_form=bound.get("answer") or AnswerForm(prefix="answer"),
            dismiss_form=bound.get("dismiss") or DismissForm(prefix="dismiss"),
        )
    return render(request, "signals/card.html", context, status=status)


@login_required
def card(request: HttpRequest, pk: int) -> HttpResponse:
    signed_in(request)
    return _card(request, _get(request, pk))


def _react(
    request: HttpRequest,
    pk: int,
    form_class: type[forms.Form],
    name: str,
    call: Callable[[Signal, dict[str, Any]], Any],
    done: Callable[[Any], str],
    to_queue: bool = False,
) -> HttpResponse:
    """One reaction: the form, the service, a message and a redirect; or the card again (422)."""
    signal = _get(request, pk)
    form = form_class(request.POST, request.FILES, prefix=name)
    if form.is_valid():
        result = run_service(form, lambda: call(signal, form.cleaned_data))
        if result is not None:
            messages.success(request, done(result))
            return redirect("signals:queue") if to_queue else redirect("signals:card", pk=signal.pk)
    return _card(request, signal, {name: form}, status=422, failed=name)


@login_required
@require_POST
def create_appeal(request: HttpRequest, pk: int) -> HttpResponse:
    return _react(
        request,
        pk,
        CreateAppealForm,
        "appeal",
        lambda signal, data: services.signal_create_appeal(
            actor=request.user,
            signal=signal,
            category=data["category"],
            text=data["text"],
            institution=data["institution"],
            district=data["district"],
            address=data["address"],
            photos=data["photos"],
        ),
        lambda appeal: _("Appeal № %(number)s is filed.") % {"number": appeal.number},
    )


@login_required
@require_POST
def attach(request: HttpRequest, pk: int) -> HttpResponse:
    """Attach to an appeal by its number, after a preview of that appeal (its answer, if any,
    goes to the network at once); a number the service refuses gets its error straight away."""
    form = AttachForm(request.POST, prefix="attach")
    if form.is_valid() and not form.cleaned_data["confirm"]:
        target = appeal_preview(form.cleaned_data["number"])
        if target is not None:
            signal = _get(request, pk)
            if signal.is_open:
                confirm = AttachForm(
                    initial={"number": target.appeal.number, "confirm": True}, prefix="attach"
                )
                return _card(request, signal, {"attach": confirm}, preview=target)
    return _react(
        request,
        pk,
        AttachForm,
        "attach",
        lambda signal, data: services.signal_attach(
            actor=request.user, signal=signal, number=data["number"]
        ),
        lambda appeal: _("Attached to appeal № %(number)s.") % {"number": appeal.number},
    )


@login_required
@require_POST
def answer(request: HttpRequest, pk: int) -> HttpResponse:
    return _react(
        request,
        pk,
        AnswerForm,
        "answer",
        lambda signal, data: services.signal_answer(
            actor=request.user, signal=signal, text=data["text"]
        ),
        lambda reply: (
            _("The answer is queued for sending.")
            if reply.state == Reply.State.PENDING
            else _("The answer is saved. %(state)s.") % {"state": reply.get_state_display()}
        ),
    )


@login_required
@require_POST
def dismiss(request: HttpRequest, pk: int) -> HttpResponse:
    return _react(
        request,
        pk,
        DismissForm,
        "dismiss",
        lambda signal, data: services.signal_dismiss(
            actor=request.user, signal=signal, reason=data["reason"], comment=data["comment"]
        ),
        lambda _signal: _("The signal is dismissed."),
        to_queue=True,
    )

"""What the load generator needs to know about a seeded database: paths, ids and token keys.

Written to files (one value per line) because wrk's Lua reads lines far more easily than JSON.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

from django.utils import timezone

from vmeste.accounts.models import ApiToken
from vmeste.appeals.models import Category
from vmeste.core import clock
from vmeste.ideas.models import PUBLIC_IDEA_STATUSES, Direction, Idea, IdeaStatus, Project
from vmeste.organizations.models import District

from . import words
from .seed import SIMILAR_SLUG, TOKEN_NAME, VOTE_SLUG, bench_token


def _lines(path: Path, values: list[Any]) -> str:
    path.write_text("".join(f"{v}\n" for v in values), encoding="utf-8")
    return str(path)


def write_plan(folder: Path) -> dict[str, Any]:
    """Write tokens, idea ids and request paths into ``folder``; return the plan as a dict."""
    folder.mkdir(parents=True, exist_ok=True)
    vote = Project.objects.get(slug=VOTE_SLUG)
    similar_project = Project.objects.get(slug=SIMILAR_SLUG)
    token_users = list(
        ApiToken.objects.filter(name=TOKEN_NAME, revoked_at__isnull=True)
        .order_by("user_id")
        .values_list("user_id", flat=True)
    )
    vote_ideas = list(
        Idea.objects.filter(project=vote, status=IdeaStatus.SHORTLISTED)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    direction = Direction.objects.filter(project=vote).order_by("position", "pk").first()
    idea_pages = list(
        Idea.objects.filter(project=vote, status__in=PUBLIC_IDEA_STATUSES)
        .order_by("-comment_count", "pk")
        .values_list("pk", flat=True)[:200]
    )
    today = clock.today()
    now = timezone.localtime(clock.now()).replace(microsecond=0)
    start = now - dt.timedelta(days=90)
    open311 = "/open311/v2/requests.json?" + urlencode(
        {"start_date": start.isoformat(), "end_date": now.isoformat()}
    )
    titles, _texts = words.idea_texts(200, seed=99)
    categories = list(
        Category.objects.filter(
            is_active=True, requires_photo=False, requires_place=False, requires_institution=False
        ).values_list("pk", flat=True)
    )
    plan = {
        "vote_project": {"id": vote.pk, "slug": vote.slug},
        "similar_project": {
            "id": similar_project.pk,
            "slug": similar_project.slug,
            "ideas": Idea.objects.filter(project=similar_project).count(),
        },
        "tokens": _lines(folder / "tokens.txt", [bench_token(u) for u in token_users]),
        "token_count": len(token_users),
        "vote_ideas": _lines(folder / "vote_ideas.txt", vote_ideas),
        "vote_idea_count": len(vote_ideas),
        "categories": _lines(folder / "categories.txt", categories),
        "districts": _lines(
            folder / "districts.txt", list(District.objects.values_list("pk", flat=True))
        ),
        "paths": {
            "floor": _lines(folder / "floor.txt", ["/healthz"]),
            "idea_list": _lines(
                folder / "idea_list.txt",
                [f"/projects/{vote.slug}/?direction={direction.pk if direction else ''}&page=50"],
            ),
            "idea_page": _lines(
                folder / "idea_page.txt", [f"/projects/{vote.slug}/ideas/{i}/" for i in idea_pages]
            ),
            "dashboard": _lines(
                folder / "dashboard.txt",
                [f"/dashboard/?date_from={today - dt.timedelta(days=364)}&date_to={today}"],
            ),
            "open311": _lines(folder / "open311.txt", [open311]),
            "similar": _lines(
                folder / "similar.txt",
                [f"/projects/{similar_project.slug}/similar/?title={quote(t)}" for t in titles],
            ),
        },
    }
    (folder / "plan.json").write_text(json.dumps(plan, ensure_ascii=False, indent=2))
    return plan

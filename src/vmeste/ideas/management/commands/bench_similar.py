from __future__ import annotations

import json
import random
import statistics
import time
from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from vmeste.accounts.models import User
from vmeste.ideas import similar
from vmeste.ideas.models import Idea, IdeaStatus, Project
from vmeste.organizations.models import Organization

WORDS = [
    "музей",
    "выставка",
    "экскурсия",
    "театр",
    "спектакль",
    "библиотека",
    "книга",
    "лекция",
    "концерт",
    "парк",
    "аллея",
    "фонтан",
    "детский",
    "кружок",
    "мастер-класс",
    "онлайн",
    "трансляция",
    "субтитры",
    "доступность",
    "пандус",
    "лифт",
    "билет",
    "касса",
    "карта",
    "пушкинская",
    "расписание",
    "вечер",
    "праздник",
    "фестиваль",
    "школа",
    "искусств",
    "рисование",
    "музыка",
    "танец",
]


class Command(BaseCommand):
    help = "Measure the similar-ideas lookup in a project of N ideas (made and rolled back in one transaction)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--ideas", type=int, default=10_000)
        parser.add_argument("--queries", type=int, default=50)
        parser.add_argument(
            "--project",
            default="",
            help="the slug of an existing project to measure instead (e.g. bench-propose of "
            "`vmeste bench-seed`); nothing is made then",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        rng = random.Random(1)
        rss_before = _rss_mb()
        with transaction.atomic():
            if options["project"]:
                project = Project.objects.get(slug=options["project"])
                build, latencies = self._measure(project, rng, options["queries"])
                transaction.set_rollback(True)
                return self._report(project, build, latencies, rss_before)
            organizer = Organization.objects.filter(
                kind="department"
            ).first() or Organization.objects.create(
                name="Bench", slug="bench-org", kind="department"
            )
            author = User.objects.create_user("bench-similar@vmeste.invalid", None)
            project = Project.objects.create(
                title="Bench",
                slug="bench-similar",
                description="-",
                organizer=organizer,
                is_published=True,
            )
            Idea.objects.bulk_create(
                [
                    Idea(
                        project=project,
                        author=author,
                        status=IdeaStatus.PUBLISHED,
                        title=" ".join(rng.choices(WORDS, k=5)),
                        text=" ".join(rng.choices(WORDS, k=40)),
                    )
                    for _ in range(options["ideas"])
                ],
                batch_size=2000,
            )
            build, latencies = self._measure(project, rng, options["queries"])
            transaction.set_rollback(True)
        self._report(project, build, latencies, rss_before)

    def _measure(self, project: Project, rng: random.Random, queries: int) -> tuple[float, list]:
        similar.forget(project.pk)
        started = time.perf_counter()
        similar.index_for(project.pk, wait=True)
        build = time.perf_counter() - started
        latencies = []
        for _ in range(queries):
            text = " ".join(rng.choices(WORDS, k=12))
            started = time.perf_counter()
            similar.similar_ideas(project_id=project.pk, text=text)
            latencies.append((time.perf_counter() - started) * 1000)
        return build, latencies

    def _report(
        self, project: Project, build: float, latencies: list[float], rss_before: float
    ) -> None:
        index = similar.index_for(project.pk)
        latencies.sort()
        self.stdout.write(
            json.dumps(
                {
                    "ideas": index.count if index else 0,
                    "index_build_s": round(build, 2),
                    "query_ms_p50": round(statistics.median(latencies), 1),
                    "query_ms_p95": round(latencies[int(len(latencies) * 0.95) - 1], 1),
                    "query_ms_max": round(latencies[-1], 1),
                    "index_mb": round(_index_mb(index), 1),
                    "rss_mb_before": rss_before,
                    "rss_mb_after": _rss_mb(),
                }
            )
        )
        similar.forget(project.pk)


def _rss_mb() -> float:
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return 0.0


def _index_mb(index: Any) -> float:
    if index is None:
        return 0.0
    matrix = index.matrix
    parts = (matrix.data, matrix.indices, matrix.indptr, index.idf)
    return sum(part.nbytes for part in parts) / 1e6

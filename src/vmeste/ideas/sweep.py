"""Results are announced at the set moment: the sweep finds a project whose results stage began."""

from __future__ import annotations

from django.db.models import Exists, OuterRef

from vmeste.core import clock
from vmeste.core.sweep import sweep_step

from .models import Project, Stage, StageKind
from .services import results_announce


@sweep_step("ideas.results")
def results_due_step() -> bool:
    due = Stage.objects.filter(
        project=OuterRef("pk"), kind=StageKind.RESULTS, starts_at__lte=clock.now()
    )
    project = (
        Project.objects.filter(is_published=True, results_announced_at__isnull=True)
        .filter(Exists(due))
        .order_by("pk")
        .first()
    )
    if project is None:
        return False
    results_announce(project_id=project.pk)
    return True

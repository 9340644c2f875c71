from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .exports import SCHEMAS
from .models import Export


def opendata(request: HttpRequest) -> HttpResponse:
    exports = Export.objects.all()[:200]
    return render(
        request,
        "opendata/index.html",
        {
            "exports": exports,
            "schemas": [(k, Export.Kind(k).label, cols) for k, cols in SCHEMAS.items()],
        },
    )

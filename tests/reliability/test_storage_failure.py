"""The upload storage is full or read-only while someone files an appeal with a photo.

The person gets a clear message (the form with what they typed, or a 503 envelope from the API),
and nothing is left behind: the appeal, its photo rows and any file already written are gone,
because filing is one transaction and the photo step cleans up after itself.
"""

from __future__ import annotations

import errno
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from django.core.files.storage import FileSystemStorage
from django.utils import translation

from tests import guards
from tests.appeals.conftest import TEXT, jpeg
from vmeste.appeals.models import Appeal, Photo
from vmeste.core.models import AuditEntry

pytestmark = pytest.mark.django_db

STORAGE_MESSAGE = (
    "The photos cannot be saved right now: the file storage is unavailable. "
    "Nothing was saved; please try again later."
)


def _form(categories: Any, region: Any) -> dict[str, Any]:
    return {
        "category": categories.building.pk,
        "institution": region.museum.pk,
        "text": TEXT,
        "consent": "on",
        "idempotency_key": "storage-1",
        "address": "",
        "latitude": "",
        "longitude": "",
        "district": "",
        "photos": [jpeg()],
    }


def _files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def _message(language: str) -> str:
    from django.utils.translation import gettext

    with translation.override(language):
        return gettext(STORAGE_MESSAGE)


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EROFS])
def test_the_web_form_says_so_and_keeps_nothing(
    client: Any, people: Any, categories: Any, region: Any, settings: Any, code: int
) -> None:
    client.force_login(people.alice)
    with mock.patch.object(
        FileSystemStorage, "_save", side_effect=OSError(code, "no space or read-only")
    ):
        response = client.post("/appeals/new/", _form(categories, region))
    page = response.content.decode()
    assert response.status_code == 200  # the form again, with what the person typed
    assert _message("ru") in page
    assert TEXT in page
    assert not Appeal.objects.exists()
    assert not Photo.objects.exists()
    assert not AuditEntry.objects.filter(action="appeal.submitted").exists()
    assert _files(Path(settings.MEDIA_ROOT)) == []
    # When the storage is back, the same form (same idempotency key) files one appeal.
    response = client.post("/appeals/new/", _form(categories, region))
    assert response.status_code == 302
    assert Appeal.objects.count() == 1 and Photo.objects.count() == 1


def test_a_file_written_before_the_failure_is_removed(
    client: Any, people: Any, categories: Any, region: Any, settings: Any
) -> None:
    """The big image is written, the thumbnail fails (the disk filled up in between)."""
    client.force_login(people.alice)
    real_save = FileSystemStorage._save
    calls: list[str] = []

    def fill_up(self: FileSystemStorage, name: str, content: Any) -> str:
        calls.append(name)
        if len(calls) == 1:
            return real_save(self, name, content)
        raise OSError(errno.ENOSPC, "No space left on device")

    with mock.patch.object(FileSystemStorage, "_save", fill_up):
        response = client.post("/appeals/new/", _form(categories, region))
    assert response.status_code == 200
    assert len(calls) == 2
    assert not Appeal.objects.exists() and not Photo.objects.exists()
    assert _files(Path(settings.MEDIA_ROOT)) == []


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EROFS])
def test_the_api_answers_503_and_keeps_no_photo(
    client: Any, people: Any, categories: Any, settings: Any, code: int
) -> None:
    client.force_login(people.alice)
    created = client.post(
        "/api/v1/appeals",
        {"category_id": categories.building.pk, "text": TEXT, "consent": True},
        content_type="application/json",
    )
    assert created.status_code == 201
    number = created.json()["number"]
    with mock.patch.object(FileSystemStorage, "_save", side_effect=OSError(code, "storage")):
        response = client.post(
            f"/api/v1/appeals/{number}/photos",
            {"files": [jpeg()]},
            headers={"Accept-Language": "en"},
        )
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    body = response.json()
    assert body["error"]["code"] == "storage_unavailable"
    assert body["error"]["message"] == _message("en")
    assert not Photo.objects.exists()
    assert _files(Path(settings.MEDIA_ROOT)) == []
    guards.SERVER_ERRORS.clear()  # the 503 is the answer under test


def test_an_upload_that_cannot_even_be_buffered_is_a_503_page(people: Any) -> None:
    """A full temporary directory while Django reads the upload: still 503, never 500."""
    from django.test import Client

    client = Client(raise_request_exception=False)
    client.force_login(people.alice)
    with mock.patch(
        "vmeste.appeals.views.AppealForm",
        side_effect=OSError(errno.ENOSPC, "No space left on device"),
    ):
        response = client.post("/appeals/new/", {"text": "x"})
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    guards.SERVER_ERRORS.clear()

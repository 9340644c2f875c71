from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from vmeste.appeals import services
from vmeste.appeals.models import Appeal, Category, RoutingRule

MSK = dt.timezone(dt.timedelta(hours=3))
TEXT = "В зале краеведческого музея протекает крыша, на полу стоят вёдра."


@dataclass
class Categories:
    building: Category
    tickets: Category
    urgent: Category
    private: Category


@pytest.fixture
def categories(region, calendar) -> Categories:
    building = Category.objects.create(
        name="Чистота и ремонт здания", slug="building", default_organization=region.department
    )
    tickets = Category.objects.create(name="Покупка билетов", slug="tickets", deadline_days=5)
    urgent = Category.objects.create(name="Угроза безопасности", slug="urgent", deadline_hours=24)
    private = Category.objects.create(name="Поведение сотрудников", slug="staff", is_public=False)
    RoutingRule.objects.create(institution=region.museum, organization=region.museum)
    return Categories(building=building, tickets=tickets, urgent=urgent, private=private)


def jpeg(width: int = 64, height: int = 48, exif_gps: bool = False) -> SimpleUploadedFile:
    image = Image.new("RGB", (width, height), (180, 40, 40))
    out = io.BytesIO()
    if exif_gps:
        exif = Image.Exif()
        exif[0x010F] = "PhoneMaker"  # Make
        exif[0x8825] = {1: "N", 2: (55.0, 45.0, 0.0)}  # GPSInfo
        image.save(out, format="JPEG", exif=exif)
    else:
        image.save(out, format="JPEG")
    return SimpleUploadedFile("photo.jpg", out.getvalue(), content_type="image/jpeg")


@pytest.fixture
def file_appeal(people, region, categories) -> Any:
    def make(**overrides: Any) -> Appeal:
        fields: dict[str, Any] = {
            "author": people.alice,
            "category": categories.building,
            "text": TEXT,
            "consent": True,
            "institution": region.museum,
        }
        fields.update(overrides)
        appeal, _created = services.appeal_submit(**fields)
        return appeal

    return make


@pytest.fixture
def registered(file_appeal, people) -> Any:
    """An appeal registered by the moderator and assigned to the museum."""

    def make(**overrides: Any) -> Appeal:
        appeal = file_appeal(**overrides)
        return services.appeal_moderate(actor=people.moderator, appeal=appeal, decision="register")

    return make


def answered(appeal: Appeal, people: Any, text: str | None = None) -> Appeal:
    answer = services.answer_submit(
        actor=people.executor,
        appeal=appeal,
        text=text
        or "Кровлю над залом отремонтировали 12.05, подрядчик ООО «Кровля». Экспонаты вернули на место.",
    )
    services.answer_approve(actor=people.supervisor, answer=answer)
    appeal.refresh_from_db()
    return appeal

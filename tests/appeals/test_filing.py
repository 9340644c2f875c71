import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from tests.appeals.conftest import TEXT, jpeg
from tests.factories import DistrictFactory
from vmeste.appeals import services
from vmeste.appeals.models import Appeal, RoutingRule
from vmeste.core.errors import ValidationFailed


def fields_of(error: ValidationFailed) -> set[str]:
    return {item["field"] for item in error.details["errors"]}


def test_numbers_are_readable_and_consecutive(file_appeal) -> None:
    first, second = file_appeal(), file_appeal()
    assert first.number.endswith("-000001") and second.number.endswith("-000002")
    assert first.number[:4].isdigit()


def test_the_same_idempotency_key_never_makes_two_appeals(file_appeal, people, categories) -> None:
    first = file_appeal(idempotency_key="retry-1")
    again, created = services.appeal_submit(
        author=people.alice,
        category=categories.building,
        text=TEXT,
        consent=True,
        idempotency_key="retry-1",
    )
    assert again == first and not created
    assert Appeal.objects.count() == 1
    # Another person's key is theirs alone.
    other, created = services.appeal_submit(
        author=people.bob,
        category=categories.building,
        text=TEXT,
        consent=True,
        idempotency_key="retry-1",
    )
    assert created and other != first


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"text": "коротко"}, "text"),
        ({"text": "я" * 4001}, "text"),
        ({"consent": False}, "consent"),
        ({"category": None}, "category"),
        ({"latitude": Decimal("91"), "longitude": Decimal("41")}, "latitude"),
        ({"latitude": Decimal("57"), "longitude": Decimal("-181")}, "longitude"),
        ({"latitude": Decimal("57")}, "latitude"),
    ],
)
def test_bad_input_is_refused_with_the_field_named(file_appeal, overrides, field) -> None:
    with pytest.raises(ValidationFailed) as error:
        file_appeal(**overrides)
    assert field in fields_of(error.value)
    assert not Appeal.objects.exists()


def test_all_problems_are_reported_at_once(file_appeal) -> None:
    with pytest.raises(ValidationFailed) as error:
        file_appeal(text="", consent=False, category=None)
    assert fields_of(error.value) == {"text", "consent", "category"}


def test_category_requirements(file_appeal, categories) -> None:
    categories.building.requires_photo = True
    categories.building.requires_place = True
    categories.building.save()
    with pytest.raises(ValidationFailed) as error:
        file_appeal(institution=None)
    assert fields_of(error.value) == {"photos", "address"}
    appeal = file_appeal(photos=[jpeg()], address="ул. Ленина, 12")
    assert appeal.photos.count() == 1


def test_photos_are_reencoded_without_exif_and_thumbnailed(file_appeal) -> None:
    appeal = file_appeal(photos=[jpeg(1200, 900, exif_gps=True)])
    photo = appeal.photos.get()
    image = Image.open(photo.image.path)
    assert image.format == "JPEG"
    assert not image.getexif()  # no GPS, no camera
    thumb = Image.open(photo.thumbnail.path)
    assert max(thumb.size) <= 480 and (photo.width, photo.height) == (1200, 900)


def _upload(name: str, data: bytes, content_type: str = "image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def _png_bomb() -> bytes:
    out = io.BytesIO()
    Image.new("1", (20000, 20000)).save(out, format="PNG")  # 400 megapixels, a few KB compressed
    return out.getvalue()


@pytest.mark.parametrize(
    ("upload", "words"),
    [
        (lambda: _upload("shell.jpg", b"<?php system($_GET['c']); ?>"), "не фотография"),
        (
            lambda: _upload(
                "image.svg",
                b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>",
                "image/svg+xml",
            ),
            "не фотография",
        ),
        (lambda: _upload("big.jpg", b"\xff\xd8" + b"0" * (10 * 1024 * 1024 + 10)), "10 МБ"),
        (lambda: _upload("bomb.png", _png_bomb(), "image/png"), "мегапикселей"),
        (
            lambda: _upload("anim.gif", b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", "image/gif"),
            "не фотография",
        ),
    ],
    ids=["php-renamed", "svg-with-script", "over-10-mb", "decompression-bomb", "gif"],
)
def test_uploads_are_checked_by_content(file_appeal, upload, words) -> None:
    with pytest.raises(ValidationFailed) as error:
        file_appeal(photos=[upload()])
    messages = " ".join(item["message"] for item in error.value.details["errors"])
    assert words in messages
    assert not Appeal.objects.exists()


def test_at_most_five_photos(file_appeal) -> None:
    with pytest.raises(ValidationFailed):
        file_appeal(photos=[jpeg() for _ in range(6)])


def test_the_district_is_found_from_the_point(file_appeal, region) -> None:
    square = {
        "type": "Polygon",
        "coordinates": [[[41.0, 57.0], [41.1, 57.0], [41.1, 57.1], [41.0, 57.1], [41.0, 57.0]]],
    }
    inside = DistrictFactory(name="Северный", slug="north", boundary=square)
    appeal = file_appeal(institution=None, latitude=Decimal("57.05"), longitude=Decimal("41.05"))
    assert appeal.district == inside
    outside = file_appeal(institution=None, latitude=Decimal("56.5"), longitude=Decimal("41.05"))
    assert outside.district is None


def test_contacts_are_masked_at_once_and_names_by_the_recogniser(
    file_appeal, django_capture_on_commit_callbacks
) -> None:
    text = "Охранник Сидоров Пётр Иванович нагрубил мне. Мой телефон +7 (910) 555-12-34, почта anna@example.org"
    with django_capture_on_commit_callbacks(execute=True):
        appeal = file_appeal(text=text)
        # Before the task, contacts are already masked.
        assert "555-12-34" not in appeal.public_text and "Сидоров" in appeal.public_text
    appeal.refresh_from_db()  # the masking task ran on commit (inline in tests)
    assert "555-12-34" not in appeal.public_text and "anna@example.org" not in appeal.public_text
    assert "Сидоров" not in appeal.public_text
    assert "[имя скрыто]" in appeal.public_text and "[телефон скрыт]" in appeal.public_text
    assert "Сидоров" in appeal.text  # the original stays for staff


def test_routing_picks_the_most_specific_rule(region, categories) -> None:
    from vmeste.appeals.routing import appeal_route

    district = region.theatre.district
    RoutingRule.objects.create(category=categories.tickets, organization=region.department)
    RoutingRule.objects.create(
        category=categories.tickets,
        institution_type="theatre",
        organization=region.other_department,
    )
    RoutingRule.objects.create(
        category=categories.tickets,
        district=district,
        institution=region.theatre,
        organization=region.theatre,
    )
    assert (
        appeal_route(category=categories.tickets, district=district, institution=region.theatre)
        == region.theatre
    )
    assert (
        appeal_route(category=categories.tickets, district=None, institution=region.theatre)
        == region.other_department
    )
    assert (
        appeal_route(category=categories.tickets, district=None, institution=None)
        == region.department
    )
    # With no rule: the category's organization, else the department above the institution.
    assert (
        appeal_route(category=categories.building, district=None, institution=None)
        == region.department
    )
    assert (
        appeal_route(category=categories.urgent, district=None, institution=region.library)
        == region.other_department
    )


def test_an_unconfirmed_email_cannot_file(people, categories) -> None:
    from allauth.account.models import EmailAddress

    from vmeste.core.errors import Forbidden

    EmailAddress.objects.filter(user=people.bob).update(verified=False)
    with pytest.raises(Forbidden):
        services.appeal_submit(
            author=people.bob, category=categories.building, text=TEXT, consent=True
        )

import csv
import io

from tests.appeals.conftest import TEXT, answered, jpeg
from vmeste.appeals.models import Appeal, Status
from vmeste.core.models import AuditEntry


def form_data(categories, region, **extra):
    data = {
        "category": categories.building.pk,
        "institution": region.museum.pk,
        "text": TEXT,
        "consent": "on",
        "idempotency_key": "form-1",
        "address": "",
        "latitude": "",
        "longitude": "",
        "district": "",
    }
    data.update(extra)
    return data


def test_filing_from_the_page_with_a_photo(client, people, categories, region) -> None:
    client.force_login(people.alice)
    page = client.get("/appeals/new/").content.decode()
    assert 'name="idempotency_key"' in page and "Краеведческий музей" in page
    response = client.post("/appeals/new/", {**form_data(categories, region), "photos": [jpeg()]})
    appeal = Appeal.objects.get()
    assert response.status_code == 302 and response["Location"] == appeal.get_absolute_url()
    assert appeal.photos.count() == 1 and appeal.source == "web"
    # The browser sends the form again (double click, back button): still one appeal.
    again = client.post("/appeals/new/", form_data(categories, region))
    assert again["Location"] == appeal.get_absolute_url() and Appeal.objects.count() == 1


def test_a_form_with_errors_keeps_what_was_typed(client, people, categories, region) -> None:
    client.force_login(people.alice)
    text = "Очень длинный и важный текст про протечку крыши в зале музея"
    response = client.post(
        "/appeals/new/",
        {**form_data(categories, region, text=text, consent=""), "photos": [jpeg()]},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert text in page
    assert "Без согласия на обработку персональных данных" in page
    assert not Appeal.objects.exists()


def test_a_fake_photo_gets_a_message_and_the_text_survives(
    client, people, categories, region
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(people.alice)
    fake = SimpleUploadedFile("cat.jpg", b"<?php echo 1; ?>", content_type="image/jpeg")
    page = client.post(
        "/appeals/new/", {**form_data(categories, region), "photos": [fake]}
    ).content.decode()
    assert "cat.jpg" in page and TEXT in page
    assert not Appeal.objects.exists()


def test_filing_needs_signing_in(client, categories, region) -> None:
    response = client.get("/appeals/new/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_institution_search_as_you_type(client, region) -> None:
    body = client.get("/appeals/institutions/?institution_q=ТЕАТР").content.decode()
    assert "Драматический театр" in body and "Краеведческий музей" not in body


def test_public_list_map_and_detail(
    client, registered, people, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        appeal = registered(text="Протекает крыша. Звоните мне: 8 910 555-12-34, Иванов Пётр.")
    listing = client.get("/appeals/").content.decode()
    assert appeal.number in listing and "555-12-34" not in listing
    detail = client.get(appeal.get_absolute_url()).content.decode()
    assert "555-12-34" not in detail and "alice@example.org" not in detail
    assert "Зарегистрировано" in detail or "Назначено" in detail
    points = client.get("/appeals/map/points.geojson").json()
    assert points["type"] == "FeatureCollection"
    assert client.get("/appeals/map/districts.geojson").json()["type"] == "FeatureCollection"
    assert client.get("/appeals/?status=nonsense&page=abc").status_code == 200


def test_the_author_confirms_on_the_page(client, registered, people) -> None:
    appeal = answered(registered(), people)
    client.force_login(people.alice)
    page = client.get(appeal.get_absolute_url()).content.decode()
    assert f'action="/appeals/{appeal.number}/feedback/"' in page
    client.post(
        f"/appeals/{appeal.number}/feedback/", {"kind": "confirm", "rating": "5", "comment": ""}
    )
    appeal.refresh_from_db()
    assert appeal.status == Status.CLOSED_CONFIRMED


def test_a_dispute_without_a_comment_is_explained(client, registered, people) -> None:
    appeal = answered(registered(), people)
    client.force_login(people.alice)
    response = client.post(
        f"/appeals/{appeal.number}/feedback/", {"kind": "dispute", "comment": ""}, follow=True
    )
    assert (
        "что именно не так" in response.content.decode().lower()
        or "what is still wrong" in response.content.decode()
    )
    appeal.refresh_from_db()
    assert appeal.status == Status.ANSWERED


def test_staff_work_the_appeal_through_the_workspace(client, file_appeal, people) -> None:
    appeal = file_appeal()
    client.force_login(people.moderator)
    queue = client.get("/staff/appeals/?queue=moderation").content.decode()
    assert appeal.number in queue
    client.post(f"/staff/appeals/{appeal.number}/moderate/", {"decision": "register", "reason": ""})
    client.force_login(people.executor)
    assert appeal.number in client.get("/staff/appeals/?queue=work").content.decode()
    client.post(f"/staff/appeals/{appeal.number}/take/")
    page = client.post(
        f"/staff/appeals/{appeal.number}/answer/", {"text": "коротко"}
    ).content.decode()
    assert "Напишите не меньше 20 символов." in page
    client.post(
        f"/staff/appeals/{appeal.number}/answer/",
        {"text": "Кровлю отремонтировали 12.05, подрядчик ООО «Кровля»."},
    )
    client.force_login(people.supervisor)
    assert appeal.number in client.get("/staff/appeals/?queue=review").content.decode()
    client.post(f"/staff/appeals/{appeal.number}/review/", {"decision": "approve", "comment": ""})
    appeal.refresh_from_db()
    assert appeal.status == Status.ANSWERED


def test_a_template_fills_the_answer_for_editing(client, registered, people) -> None:
    from vmeste.appeals.models import AnswerTemplate

    template = AnswerTemplate.objects.create(
        title="Готово", text="Здравствуйте! Работы выполнены [дата]."
    )
    appeal = registered()
    client.force_login(people.executor)
    page = client.post(
        f"/staff/appeals/{appeal.number}/answer/", {"template": template.pk, "text": ""}
    ).content.decode()
    assert "Работы выполнены [дата]." in page
    assert not appeal.answers.exists()


def test_other_organizations_staff_get_404(client, registered, people) -> None:
    appeal = registered()
    client.force_login(people.other_executor)
    assert client.get(f"/staff/appeals/{appeal.number}/").status_code == 404
    assert client.post(f"/staff/appeals/{appeal.number}/take/").status_code == 404
    client.force_login(people.alice)
    assert client.get("/staff/appeals/").status_code == 403


def test_viewing_contacts_is_recorded(client, registered, people) -> None:
    appeal = registered()
    client.force_login(people.executor)
    card = client.get(f"/staff/appeals/{appeal.number}/").content.decode()
    assert "alice@example.org" not in card
    shown = client.post(f"/staff/appeals/{appeal.number}/contacts/").content.decode()
    assert "alice@example.org" in shown
    entry = AuditEntry.objects.get(action="appeal.contacts_viewed")
    assert entry.actor == people.executor and entry.target_id == str(appeal.pk)


def test_bulk_assignment_and_csv(client, registered, people, region) -> None:
    first, second = registered(), registered()
    client.force_login(people.supervisor)
    client.post(
        "/staff/appeals/bulk-assign/",
        {
            "appeals": [first.number, second.number],
            "organization": region.theatre.pk,
            "reason": "Это залы театра",
        },
    )
    assert set(Appeal.objects.values_list("organization", flat=True)) == {region.theatre.pk}
    export = client.get("/staff/appeals/export.csv?queue=work")
    rows = list(csv.reader(io.StringIO(b"".join(export.streaming_content).decode("utf-8-sig"))))
    assert rows[0][0] == "Номер" and {r[0] for r in rows[1:]} == {first.number, second.number}


def test_extension_and_reassignment_from_the_card(client, registered, people, region) -> None:
    appeal = registered()
    client.force_login(people.supervisor)
    client.post(
        f"/staff/appeals/{appeal.number}/extend/", {"days": "3", "reason": "Ждём экспертизу"}
    )
    appeal.refresh_from_db()
    assert appeal.extended_at is not None
    page = client.post(
        f"/staff/appeals/{appeal.number}/extend/", {"days": "3", "reason": "Ещё раз"}
    ).content.decode()
    assert "уже продлевали" in page.lower() or "already extended" in page
    response = client.post(
        f"/staff/appeals/{appeal.number}/reassign/", {"organization": "999999", "reason": "Куда-то"}
    )
    assert response.status_code == 200


def test_the_old_counters_page_leads_to_the_dashboard(client, registered, people) -> None:
    answered(registered(), people)
    page = client.get("/appeals/counters/", follow=True).content.decode()
    assert "Краеведческий музей" in page
    old = client.get("/appeals/counters/?group=district&date_from=2030-01-01&date_to=2020-01-01")
    assert old["Location"] == "/dashboard/?group=district&date_from=2030-01-01&date_to=2020-01-01"
    assert client.get(old["Location"]).status_code == 200


def test_notifications_page(client, registered, people) -> None:
    registered()
    client.force_login(people.alice)
    page = client.get("/notifications/").content.decode()
    assert "2026-" in page or "-0000" in page
    client.post("/notifications/read/")
    from vmeste.notifications.models import Notification

    assert not Notification.objects.filter(user=people.alice, read_at__isnull=True).exists()


def test_bulk_assignment_goes_back_only_to_a_page_of_this_site(
    client, registered, people, region
) -> None:
    appeal = registered()
    client.force_login(people.supervisor)
    form = {"appeals": [appeal.number], "organization": region.theatre.pk, "reason": "Театр"}
    for back, expected in [
        ("/staff/appeals/?queue=work", "/staff/appeals/?queue=work"),
        ("abc", "/staff/appeals/"),  # was read as a view name, and failed
        ("https://evil.example/", "/staff/appeals/"),
        ("//evil.example/", "/staff/appeals/"),
    ]:
        response = client.post("/staff/appeals/bulk-assign/", {**form, "next": back})
        assert response.status_code == 302 and response["Location"] == expected, back

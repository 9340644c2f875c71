"""A resident's appeal from the form to the confirmed answer, as the people involved see it."""

import io

import pytest
from PIL import Image

from tests.factories import PASSWORD
from vmeste.appeals.models import Appeal, Category, RoutingRule

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(browser, base_url: str, email: str):
    context = browser.new_context(locale="ru-RU", viewport={"width": 390, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    page.goto(base_url + "/accounts/login/")
    page.get_by_label("Адрес электронной почты").fill(email)
    page.get_by_label("Пароль").fill(PASSWORD)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url(base_url + "/")
    return page


def counters_row(page, base_url: str) -> list[str]:
    page.goto(base_url + "/appeals/counters/")
    row = page.locator("tr", has_text="Краеведческий музей")
    return [cell.inner_text() for cell in row.locator("td").all()]


def test_file_answer_dispute_answer_again_confirm(
    browser, live_server, people, region, calendar, tmp_path
) -> None:
    base = live_server.url
    Category.objects.create(
        name="Чистота и ремонт здания", slug="building", default_organization=region.department
    )
    RoutingRule.objects.create(institution=region.museum, organization=region.museum)
    photo = tmp_path / "leak.jpg"
    image = io.BytesIO()
    Image.new("RGB", (640, 480), (120, 90, 60)).save(image, format="JPEG")
    photo.write_bytes(image.getvalue())

    resident = sign_in(browser, base, "alice@example.org")
    resident.goto(base + "/appeals/new/")
    resident.get_by_label("О чём обращение").select_option(label="Чистота и ремонт здания")
    resident.locator("#id_institution").select_option(label="Краеведческий музей")
    resident.get_by_label("Опишите проблему").fill(
        "В зале древней истории протекает крыша, на полу вёдра."
    )
    resident.set_input_files("#id_photos", str(photo))
    resident.get_by_label(
        "Я согласен(на) на обработку моих персональных данных для рассмотрения обращения"
    ).check()
    resident.get_by_role("button", name="Отправить обращение").click()
    resident.wait_for_selector("text=принято")
    appeal = Appeal.objects.get()
    assert appeal.photos.count() == 1
    number = appeal.number

    moderator = sign_in(browser, base, "moderator@example.org")
    moderator.goto(f"{base}/staff/appeals/{number}/")
    moderator.get_by_label("Зарегистрировать").check()
    moderator.get_by_role("button", name="Сохранить решение").click()
    moderator.wait_for_selector("text=Решение записано")
    before = counters_row(resident, base)

    executor = sign_in(browser, base, "executor@example.org")
    supervisor = sign_in(browser, base, "supervisor@example.org")

    def answer(text: str) -> None:
        executor.goto(f"{base}/staff/appeals/{number}/")
        take = executor.get_by_role("button", name="Взять в работу")
        if take.count():
            take.click()
            executor.wait_for_selector("text=Обращение у вас в работе")
        executor.locator("#id_text").fill(text)
        executor.get_by_role("button", name="Отправить на согласование").click()
        executor.wait_for_selector("text=Ответ отправлен контролёру")
        supervisor.goto(f"{base}/staff/appeals/{number}/")
        supervisor.get_by_label("Утвердить и опубликовать").check()
        supervisor.get_by_role("button", name="Сохранить решение").click()
        supervisor.wait_for_selector("text=Решение по ответу записано")

    answer(
        "Кровлю над залом отремонтировали 12.05, подрядчик ООО «Кровля». Экспонаты вернули на место."
    )
    resident.goto(f"{base}/appeals/{number}/")
    assert resident.get_by_text("Кровлю над залом отремонтировали").is_visible()
    resident.get_by_label("Оспорено: проблема не решена").check()
    resident.get_by_label("Оцените ответ").select_option("2")
    resident.get_by_label("Комментарий").fill("После дождя снова капает у окна.")
    resident.get_by_role("button", name="Отправить", exact=True).click()
    resident.wait_for_selector("text=ваш отзыв записан")

    answer("20.05 заменили ещё два листа кровли над окном и проверили водостоки, течи нет.")
    resident.goto(f"{base}/appeals/{number}/")
    resident.get_by_label("Подтверждено: проблема решена").check()
    resident.get_by_label("Оцените ответ").select_option("5")
    resident.get_by_role("button", name="Отправить", exact=True).click()
    resident.wait_for_selector("text=ваш отзыв записан")
    assert resident.get_by_text("Закрыто: автор подтвердил решение").first.is_visible()

    after = counters_row(resident, base)
    # columns: received, in work, on time, late, overdue now, median, disputed, rating
    assert before[:3] == ["1", "1", "0"]
    assert after[:3] == ["1", "0", "1"]
    assert after[6] == "100 %" and after[7] == "5,0"

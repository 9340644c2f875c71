"""Demo appeals: categories of a culture department, routing rules and ~300 appeals of 90 days.

The appeals are made by the real services with the clock set to the past, so their history,
deadlines (on the production calendar) and counters are exactly what the live system produces.
"""

from __future__ import annotations

import datetime as dt
import io
import random
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw

from vmeste.appeals import services
from vmeste.appeals.models import AnswerTemplate, Appeal, Category, RoutingRule, Status
from vmeste.core import clock
from vmeste.core.permissions import can
from vmeste.notifications.services import emails_muted
from vmeste.organizations.models import District, Organization

# slug, name, description, days, hours, photo, place, institution, public
CATEGORIES = [
    (
        "pushkin-card",
        "Пушкинская карта",
        "Не проходит оплата, нет мероприятий по карте, вопросы о балансе.",
        5,
        None,
        False,
        False,
        False,
        True,
    ),
    (
        "tickets",
        "Покупка билетов",
        "Не работает продажа на сайте, возврат билетов, очереди в кассе.",
        8,
        None,
        False,
        False,
        True,
        True,
    ),
    (
        "accessibility",
        "Доступность для людей с инвалидностью",
        "Пандусы, лифты, тактильные указатели, сопровождение, субтитры.",
        8,
        None,
        False,
        True,
        True,
        True,
    ),
    (
        "building",
        "Чистота и ремонт здания",
        "Протечки, сломанная мебель, грязь, неисправные туалеты, освещение.",
        8,
        None,
        True,
        True,
        True,
        True,
    ),
    (
        "staff",
        "Поведение сотрудников",
        "Грубость, некомпетентность, отказ в услуге.",
        10,
        None,
        False,
        False,
        True,
        False,
    ),
    (
        "hours",
        "Режим работы",
        "Закрыто в часы работы, неверное расписание на сайте.",
        5,
        None,
        False,
        False,
        True,
        True,
    ),
    (
        "events",
        "Мероприятия",
        "Отмена и перенос, качество программы, информация об афише.",
        8,
        None,
        False,
        False,
        False,
        True,
    ),
    (
        "parks",
        "Парки и дворы",
        "Скамейки, освещение аллей, уборка, детские площадки в парках.",
        8,
        None,
        True,
        True,
        False,
        True,
    ),
    (
        "urgent",
        "Угроза безопасности",
        "Опасные конструкции, обрушение, упавшие деревья — ответ в течение 24 рабочих часов.",
        1,
        24,
        True,
        True,
        False,
        True,
    ),
    (
        "other",
        "Другое",
        "Всё, что не подходит под другие категории.",
        8,
        None,
        False,
        False,
        False,
        True,
    ),
]

TEMPLATES: list[tuple[str | None, str, str]] = [
    (
        None,
        "Работы выполнены",
        "Здравствуйте! Сообщаем, что [дата] выполнены работы: [что сделано]. Ответственный — [должность, ФИО]. Фото результата приложено. Спасибо, что помогаете нам становиться лучше.",
    ),
    (
        None,
        "Работы запланированы",
        "Здравствуйте! Работы по вашему обращению запланированы на [дата]. Выполнит [подрядчик или служба]. После завершения мы пришлём фото результата.",
    ),
    (
        "tickets",
        "Возврат билета",
        "Здравствуйте! Возврат средств за билет оформлен [дата], деньги поступят на карту в течение 10 рабочих дней. Номер заявки на возврат — [номер].",
    ),
]

TEXTS = {
    "pushkin-card": [
        "Не могу оплатить Пушкинской картой билет на спектакль в драмтеатре, на сайте пишет «ошибка платежа». Пробовал три раза 12 числа.",
        "В приложении показывает, что концерт в филармонии доступен по Пушкинской карте, а в кассе сказали, что нет. Кому верить?",
        "Сын купил билет по Пушкинской карте, мероприятие отменили, деньги на карту так и не вернулись уже месяц.",
    ],
    "tickets": [
        "Сайт театра кукол не принимает оплату уже неделю, а в кассе очередь на час. Купить билеты на детский спектакль невозможно.",
        "Хотела вернуть билет за пять дней до концерта, в кассе отказали без объяснения причин.",
        "При покупке билета онлайн дважды списали деньги, а билет пришёл один. Номер заказа 48213.",
    ],
    "accessibility": [
        "У входа в музей нет пандуса, мама на коляске не смогла попасть на выставку. Звонок для вызова сотрудника не работает.",
        "В библиотеке не работает лифт на второй этаж уже третью неделю, читальный зал недоступен для людей на колясках.",
        "На сеансах в кинотеатре нет субтитров для слабослышащих, хотя на сайте обещано.",
    ],
    "building": [
        "В зале краеведческого музея протекает крыша, на полу стоят вёдра, экспонаты накрыты плёнкой.",
        "В доме культуры сломаны кресла в третьем ряду, дети едва не упали во время концерта.",
        "В туалете библиотеки не работает кран и нет мыла уже несколько дней.",
        "Перегорели лампы на лестнице в ДШИ, вечером дети спускаются в темноте.",
    ],
    "staff": [
        "Гардеробщица в театре накричала на мою пожилую маму из-за номерка. Очень неприятно.",
        "Экскурсовод Иванова Н. П. провела экскурсию за двадцать минут вместо часа и отказалась отвечать на вопросы. Мой телефон 8 910 555-12-34, перезвоните.",
    ],
    "hours": [
        "Пришли в музей в воскресенье в 16:00, двери закрыты, хотя на сайте написано, что работает до 18:00.",
        "На сайте библиотеки одно расписание, на двери другое. Уточните, пожалуйста, часы работы абонемента.",
    ],
    "events": [
        "Отменили концерт в ДК без предупреждения, мы приехали с детьми с другого конца города.",
        "Очень хотелось бы больше мероприятий для подростков в библиотеках по выходным.",
        "В афише парка указан фестиваль, а на месте никто ничего не знает.",
    ],
    "parks": [
        "В парке «Берёзовая роща» на центральной аллее не горят фонари, вечером страшно гулять.",
        "В парке имени Гагарина сломаны качели на детской площадке, торчат болты.",
        "Переполнены урны у летней эстрады в парке, мусор разносит ветер.",
    ],
    "urgent": [
        "У входа в филармонию отвалился кусок штукатурки с козырька, чуть не попал в прохожего. Нужно срочно огородить.",
        "В парке после ветра дерево упало на дорожку и висит на проводах.",
    ],
    "other": [
        "Предлагаю сделать в музее бесплатный день для пенсионеров раз в месяц. Где это можно обсудить?",
        "Не могу найти, куда сдать книги, которые хочу подарить библиотеке.",
    ],
}

GOOD_ANSWERS = [
    "Здравствуйте! {date} бригада подрядчика ООО «Стройсервис» заменила повреждённые элементы и провела проверку. Ответственный — заместитель директора по АХЧ Петров С. В. Фото результата приложено. Приносим извинения за неудобства.",
    "Здравствуйте! Мы разобрались в ситуации: {date} деньги возвращены на карту, номер операции 77120. Кассир получил замечание, с сотрудниками проведено занятие по правилам возврата.",
    "Добрый день! Расписание на сайте исправлено {date}, на входе размещена табличка с актуальными часами работы. Спасибо, что сообщили.",
    "Здравствуйте! Лампы на лестнице заменены {date}, дополнительно установлены два светильника с датчиком движения. Проверку освещения будем проводить каждую пятницу.",
]
BAD_ANSWERS = [
    "Ваше обращение рассмотрено. Информация принята к сведению, вопрос находится на контроле.",
    "Благодарим за обращение. Работа будет проведена в плановом порядке по мере финансирования.",
    "Обращение направлено по компетенции. Будут приняты необходимые меры.",
]


def _photo(seed: int) -> SimpleUploadedFile:
    rng = random.Random(seed)
    image = Image.new(
        "RGB", (800, 600), (rng.randint(90, 200), rng.randint(90, 200), rng.randint(90, 200))
    )
    draw = ImageDraw.Draw(image)
    for _ in range(6):
        x, y = rng.randint(0, 700), rng.randint(0, 500)
        draw.rectangle(
            [x, y, x + rng.randint(40, 160), y + rng.randint(40, 120)],
            fill=(rng.randint(0, 255), rng.randint(0, 255), rng.randint(0, 255)),
        )
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=80)
    return SimpleUploadedFile(f"photo-{seed}.jpg", out.getvalue(), content_type="image/jpeg")


def seed_categories(organizations: dict[str, Organization]) -> dict[str, Category]:
    categories: dict[str, Category] = {}
    for position, (
        slug,
        name,
        description,
        days,
        hours,
        photo,
        place,
        institution,
        public,
    ) in enumerate(CATEGORIES):
        categories[slug], _ = Category.objects.update_or_create(
            slug=slug,
            defaults={
                "name": name,
                "description": description,
                "deadline_days": days,
                "deadline_hours": hours,
                "requires_photo": photo,
                "requires_place": place,
                "requires_institution": institution,
                "is_public": public,
                "position": position,
                "default_organization": organizations["minkult"],
            },
        )
    for template_slug, title, text in TEMPLATES:
        AnswerTemplate.objects.get_or_create(
            title=title,
            defaults={
                "text": text,
                "category": categories.get(template_slug) if template_slug else None,
            },
        )
    # Appeals about an institution go to the institution itself; the Pushkin card to the ministry;
    # parks of a district to the park of that district; safety threats to the governance centre.
    for org in Organization.objects.filter(kind="institution"):
        RoutingRule.objects.get_or_create(
            institution=org,
            category=None,
            defaults={"organization": org, "note": "Учреждение отвечает само"},
        )
    RoutingRule.objects.get_or_create(
        category=categories["pushkin-card"],
        institution=None,
        district=None,
        defaults={
            "organization": organizations["minkult"],
            "note": "Пушкинская карта — министерство",
        },
    )
    for district_slug, park_slug in [
        ("oktyabrskij", "park-gagarina"),
        ("severnyj", "park-beryozovaya-roshcha"),
    ]:
        RoutingRule.objects.get_or_create(
            category=categories["parks"],
            district=District.objects.get(slug=district_slug),
            institution=None,
            defaults={"organization": organizations[park_slug]},
        )
    RoutingRule.objects.get_or_create(
        category=categories["urgent"],
        institution=None,
        district=None,
        defaults={"organization": organizations["cur"], "note": "Срочные — ЦУР"},
    )
    return categories


def _at(moment: dt.datetime, now: dt.datetime) -> dt.datetime | None:
    return moment if moment < now else None


def seed_appeals(
    people: dict[str, Any],
    categories: dict[str, Category],
    organizations: dict[str, Organization],
    count: int = 300,
) -> int:
    if Appeal.objects.exists():
        return Appeal.objects.count()
    rng = random.Random(2026)
    now = clock.now()
    residents = [people[name] for name in ("anna", "boris", "vera", "dmitry")]
    moderator, supervisor = people["supervisor"], people["supervisor"]
    admin = people["admin"]
    institutions = [o for o in organizations.values() if o.kind == "institution"]
    districts = list(District.objects.all())
    made = 0
    with emails_muted():
        for n in range(count):
            slug = rng.choice(list(TEXTS))
            category = categories[slug]
            created = now - dt.timedelta(days=rng.uniform(0, 90), hours=rng.uniform(0, 10))
            institution = (
                rng.choice(institutions)
                if category.requires_institution or rng.random() < 0.6
                else None
            )
            if slug == "parks":
                institution = None
            district = (institution.district if institution else None) or rng.choice(districts)
            lat: Decimal | None = None
            lon: Decimal | None = None
            if category.requires_place or rng.random() < 0.5:
                base = institution if institution and institution.has_coordinates else None
                if base:
                    lat, lon = base.latitude, base.longitude
                elif district.boundary:
                    ring = district.boundary["coordinates"][0]
                    lon = _dec(rng.uniform(ring[0][0], ring[1][0]))
                    lat = _dec(rng.uniform(ring[0][1], ring[2][1]))
            with clock.frozen_at(created):
                appeal, _ = services.appeal_submit(
                    author=rng.choice(residents),
                    category=category,
                    text=rng.choice(TEXTS[slug]),
                    consent=True,
                    institution=institution,
                    district=district,
                    address=institution.address if institution else f"{district.name} район",
                    latitude=lat,
                    longitude=lon,
                    photos=[_photo(n)] if category.requires_photo else [],
                    source=rng.choice(["web", "web", "web", "api", "phone"]),
                )
            made += 1
            _progress(appeal, rng, created, now, moderator, supervisor, admin)
    return made


def _dec(value: float) -> Decimal:
    return Decimal(str(round(value, 6)))


def _progress(
    appeal: Appeal,
    rng: random.Random,
    created: dt.datetime,
    now: dt.datetime,
    moderator: Any,
    supervisor: Any,
    admin: Any,
) -> None:
    """Walk the appeal forward along a random path, each step at a later moment before now."""
    t = created + dt.timedelta(hours=rng.uniform(1, 20))
    if t >= now:
        return
    roll = rng.random()
    moderator = moderator if can(moderator, "appeal.moderate", appeal) else admin
    supervisor = supervisor if can(supervisor, "appeal.approve", appeal) else admin
    with clock.frozen_at(t):
        if roll < 0.05:
            services.appeal_moderate(
                actor=moderator,
                appeal=appeal,
                decision="reject",
                reason="Обращение не относится к сфере культуры и содержит оскорбления.",
            )
            return
        if roll < 0.08:
            services.appeal_moderate(
                actor=moderator,
                appeal=appeal,
                decision="redirect",
                reason="Вопрос относится к управляющей компании дома.",
                redirected_to="Государственная жилищная инспекция края",
            )
            return
        if roll < 0.12:
            services.appeal_moderate(
                actor=moderator,
                appeal=appeal,
                decision="return",
                reason="Уточните, пожалуйста, в каком зале и в какой день это произошло.",
            )
            return
        services.appeal_moderate(actor=moderator, appeal=appeal, decision="register")
    appeal.refresh_from_db()
    actor = admin  # the demo executor may be any institution; the platform admin acts for them
    t += dt.timedelta(hours=rng.uniform(2, 40))
    if t >= now:
        return
    with clock.frozen_at(t):
        services.appeal_take(actor=actor, appeal=appeal)
    if rng.random() < 0.1:
        t += dt.timedelta(hours=rng.uniform(1, 10))
        if t >= now:
            return
        with clock.frozen_at(t):
            services.appeal_clarification_ask(
                actor=actor,
                appeal=appeal,
                question="Подскажите, пожалуйста, точное время, когда это произошло?",
            )
        t += dt.timedelta(days=rng.uniform(0.5, 4))
        if t >= now or rng.random() < 0.3:
            return
        with clock.frozen_at(t):
            services.appeal_clarification_reply(
                actor=appeal.author,
                appeal=appeal,
                text="Это было в субботу около 15 часов, у главного входа.",
            )
    # Most answers come within the deadline; some are late, some never come (overdue now).
    appeal.refresh_from_db()
    assert appeal.due_at is not None
    span = (appeal.due_at - t).total_seconds()
    late = rng.random() < 0.2
    t = (
        (appeal.due_at + dt.timedelta(days=rng.uniform(0.5, 6)))
        if late
        else t + dt.timedelta(seconds=max(span, 7200) * rng.uniform(0.2, 0.9))
    )
    if t >= now or rng.random() < 0.07:
        return
    bad = rng.random() < 0.25
    planned = not bad and rng.random() < 0.12
    text = rng.choice(BAD_ANSWERS if bad else GOOD_ANSWERS).format(date=t.strftime("%d.%m.%Y"))
    with clock.frozen_at(t):
        answer = services.answer_submit(
            actor=actor,
            appeal=appeal,
            text=text,
            planned_on=(t + dt.timedelta(days=14)).date() if planned else None,
        )
    t += dt.timedelta(hours=rng.uniform(1, 20))
    if t >= now:
        return
    with clock.frozen_at(t):
        if bad and rng.random() < 0.5:
            services.answer_return(
                actor=supervisor,
                answer=answer,
                comment="Это отписка: напишите, что именно и когда будет сделано.",
            )
            return
        services.answer_approve(actor=supervisor, answer=answer)
    if planned:
        return
    t += dt.timedelta(days=rng.uniform(0.2, 20))
    if t >= now:
        return
    appeal.refresh_from_db()
    if appeal.feedback_due_at and t > appeal.feedback_due_at:
        with clock.frozen_at(t):
            services.appeal_autoclose_step()
        return
    with clock.frozen_at(t):
        if bad or rng.random() < 0.15:
            services.appeal_feedback(
                actor=appeal.author,
                appeal=appeal,
                kind="dispute",
                rating=rng.choice([1, 2]),
                comment="Ничего не изменилось, проблема осталась. Прошу разобраться по существу.",
            )
        else:
            services.appeal_feedback(
                actor=appeal.author,
                appeal=appeal,
                kind="confirm",
                rating=rng.choice([4, 5, 5]),
                comment="Спасибо, всё исправили.",
            )


def sweep_past() -> None:
    """Mark what came due in the generated past (overdue, reminders, automatic closing)."""
    for step in (
        services.appeal_remind_step,
        services.appeal_mark_overdue_step,
        services.appeal_autoclose_step,
    ):
        with emails_muted():
            for _ in range(5000):
                if not step():
                    break


__all__ = ["Status", "seed_appeals", "seed_categories", "sweep_past"]

"""Demo crowdsourcing projects: one in voting, one finished with winners in implementation, one upcoming."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from allauth.account.models import EmailAddress

from vmeste.accounts.models import User
from vmeste.core import clock
from vmeste.ideas import services
from vmeste.ideas.models import Idea, IdeaStatus, Project
from vmeste.notifications.services import emails_muted
from vmeste.organizations.models import Organization

from .people import DEMO_PASSWORD

ONLINE_DIRECTIONS = [
    (
        "Онлайн-экскурсии и выставки",
        "Виртуальные туры по залам, 3D-модели экспонатов, выставки в сети.",
    ),
    ("Лекции и мастер-классы", "Записи и трансляции лекций, мастер-классы для детей и взрослых."),
    (
        "Театр и музыка онлайн",
        "Трансляции спектаклей и концертов, закулисье, интервью с артистами.",
    ),
    ("Библиотека в смартфоне", "Электронные книги, подкасты, клубы чтения в мессенджерах."),
    (
        "Доступность онлайн-контента",
        "Субтитры, тифлокомментарии, версии для людей с особенностями.",
    ),
]

IDEAS = [
    (
        "Виртуальный тур по залам краеведческого музея",
        "Снять панорамы всех залов и сделать тур с подписями к каждому экспонату, чтобы жители районов могли пройти по музею из дома. Особенно важно для пожилых и маломобильных людей.",
        0,
    ),
    (
        "3D-модели главных экспонатов",
        "Оцифровать двадцать главных экспонатов в 3D и выложить на сайт с рассказом хранителя. Школьники смогут рассматривать предметы со всех сторон на уроках истории.",
        0,
    ),
    (
        "Онлайн-выставка семейных фотографий горожан",
        "Собрать у жителей старые фотографии города и сделать онлайн-выставку «Приозёрск в семейных альбомах» с историями от авторов.",
        0,
    ),
    (
        "Ночь музеев в прямом эфире",
        "Транслировать программу Ночи музеев для тех, кто не может прийти: экскурсии, концерты во дворе, интервью с сотрудниками.",
        0,
    ),
    (
        "Цикл лекций по истории края в записи",
        "Записывать лекции научных сотрудников музея и выкладывать их еженедельно с конспектом и списком литературы.",
        1,
    ),
    (
        "Мастер-классы по народным промыслам онлайн",
        "Дом народного творчества может проводить трансляции мастер-классов по росписи, ткачеству и резьбе с заранее опубликованным списком материалов.",
        1,
    ),
    (
        "Онлайн-кружок рисования для детей",
        "Еженедельные занятия для детей 7–12 лет от преподавателей ДШИ: задание, разбор работ, маленькая онлайн-выставка раз в месяц.",
        1,
    ),
    (
        "Лекторий «Как смотреть картину»",
        "Короткие видео по 10 минут от художественного музея: как читать композицию, цвет, символы на примерах из собрания.",
        1,
    ),
    (
        "Трансляции спектаклей драмтеатра",
        "Раз в месяц транслировать спектакль с нескольких камер для жителей дальних районов и тех, кто в больнице.",
        2,
    ),
    (
        "Закулисье театра кукол",
        "Серия роликов о том, как делают кукол и декорации, — для детей и родителей, с заданиями сделать куклу дома.",
        2,
    ),
    (
        "Филармония для школьников онлайн",
        "Интерактивные концерты для уроков музыки: оркестр рассказывает об инструментах, учителя получают методичку.",
        2,
    ),
    (
        "Архив записей концертов филармонии",
        "Открыть доступ к архиву записей концертов прошлых лет с поиском по композитору и исполнителю.",
        2,
    ),
    (
        "Подкаст научной библиотеки о книгах края",
        "Ежемесячный подкаст о местных авторах и редких книгах фонда с гостями из университета.",
        3,
    ),
    (
        "Клуб чтения в мессенджере",
        "Библиотека семейного чтения ведёт клуб: книга на месяц, обсуждение по главам, встреча с автором в видеочате.",
        3,
    ),
    (
        "Электронный читательский билет",
        "Оформлять читательский билет онлайн через портал и сразу получать доступ к электронным книгам.",
        3,
    ),
    (
        "Аудиокниги местных авторов",
        "Записать с актёрами молодёжного театра аудиокниги писателей края и выложить их бесплатно.",
        3,
    ),
    (
        "Субтитры ко всем видео учреждений",
        "Добавить субтитры ко всем роликам музеев и театров, чтобы их могли смотреть слабослышащие и без звука в транспорте.",
        4,
    ),
    (
        "Тифлокомментарии к онлайн-экскурсиям",
        "Сделать аудиоописание экспонатов для незрячих посетителей онлайн-экскурсий.",
        4,
    ),
    (
        "Версия сайта для слабовидящих у каждого учреждения",
        "Проверить сайты всех учреждений культуры на доступность и сделать понятные версии с крупным шрифтом.",
        4,
    ),
    (
        "Жестовый язык на трансляциях",
        "Приглашать переводчика русского жестового языка на трансляции крупных событий.",
        4,
    ),
    (
        "Онлайн-квест по старому городу",
        "Квест по историческим зданиям с заданиями на телефоне, который можно пройти и на месте, и дома по фотографиям.",
        0,
    ),
    (
        "Детская онлайн-библиотека сказок",
        "Детская библиотека записывает чтение сказок вслух библиотекарями и детьми-читателями.",
        3,
    ),
    (
        "Встречи с артистами в прямом эфире",
        "Раз в месяц артисты отвечают на вопросы зрителей в прямом эфире после премьеры.",
        2,
    ),
    (
        "Онлайн-курс «История края для взрослых»",
        "Курс из восьми занятий с тестами и сертификатом от краеведческого музея.",
        1,
    ),
]

BAD_IDEAS = [
    (
        "Отремонтировать дорогу на улице Заводской",
        "Дорога вся в ямах, нужно срочно положить асфальт до зимы.",
        "off_topic",
    ),
    (
        "Купите мой сервис онлайн-продаж билетов",
        "Предлагаю выгодное сотрудничество, пишите в личные сообщения, скидки.",
        "rules",
    ),
    (
        "Виртуальный тур по музею",
        "Сделать виртуальный тур по залам краеведческого музея для жителей.",
        "duplicate",
    ),
]


def _voters(count: int) -> list[User]:
    voters = []
    for n in range(1, count + 1):
        email = f"voter{n:02d}@vmeste.demo"
        user = User.objects.filter(email=email).first() or User.objects.create_user(
            email, DEMO_PASSWORD, display_name=f"Житель {n}"
        )
        EmailAddress.objects.get_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
        voters.append(user)
    return voters


def _stages(now: dt.datetime, *offsets: float) -> dict[str, tuple[dt.datetime, dt.datetime | None]]:
    """Stages from six day offsets: propose, review (overlaps propose by 3 days), improve, vote, results,
    implementation."""
    d = [now + dt.timedelta(days=o) for o in offsets]
    return {
        "propose": (d[0], d[1]),
        "review": (d[1] - dt.timedelta(days=3), d[2]),
        "improve": (d[2], d[3]),
        "vote": (d[3], d[4]),
        "results": (d[4], None),
        "implementation": (d[5], None),
    }


def seed_projects(people: dict[str, Any], organizations: dict[str, Organization]) -> int:
    if Project.objects.exists():
        return Project.objects.count()
    rng = random.Random(7)
    admin = people["projects"]
    moderator = people["moderator"]
    expert = people["expert"]
    residents = [people[n] for n in ("anna", "boris", "vera", "dmitry")] + _voters(30)
    minkult = organizations["minkult"]
    institutions = [o for o in organizations.values() if o.kind == "institution"]
    now = clock.now()
    criteria = [
        ("Польза для жителей", Decimal("2"), 10),
        ("Реализуемость", Decimal("1.5"), 10),
        ("Новизна", Decimal("1"), 10),
    ]
    with emails_muted():
        # 1. «Культура онлайн» — voting now.
        start = now - dt.timedelta(days=45)
        with clock.frozen_at(start - dt.timedelta(days=5)):
            online = services.project_save(
                actor=admin,
                project=None,
                title="Культура онлайн",
                slug="kultura-onlajn",
                organizer=minkult,
                summary="Какие онлайн-сервисы и публикации учреждений культуры вам интересны и полезны?",
                description="Министерство культуры края спрашивает жителей, какие онлайн-форматы развивать музеям, театрам, библиотекам и домам культуры. "
                "Лучшие идеи эксперты отберут, жители доработают и выберут голосованием; победителей реализуют в следующем году.",
                ideas_per_participant=3,
                votes_per_participant=5,
                winners_count=5,
                institutions=institutions,
                stages=_stages(start, 0, 20, 30, 40, 52, 80),
                directions=ONLINE_DIRECTIONS,
                criteria=criteria,
            )
            services.project_publish(actor=admin, project=online)
        services.experts_assign(
            actor=admin, project=online, expert=expert, direction=online.directions.all()[0]
        )
        for direction in online.directions.all()[1:]:
            services.experts_assign(actor=admin, project=online, expert=expert, direction=direction)
        directions = list(online.directions.all())
        made: list[Idea] = []
        for n, (title, text, d_index) in enumerate(
            IDEAS * 2 + [(t, x, 0) for t, x, _ in BAD_IDEAS]
        ):
            author = residents[n % len(residents)]
            moment = start + dt.timedelta(days=rng.uniform(0.5, 19), hours=rng.uniform(0, 8))
            variant = (
                ""
                if n < len(IDEAS)
                else " Можно начать с пилота в одном районе и расширить, если понравится."
            )
            with clock.frozen_at(moment):
                idea = services.idea_save(
                    actor=author,
                    project=online,
                    title=title if n < len(IDEAS) else f"{title}: продолжение",
                    text=text + variant,
                    direction=directions[d_index],
                    institution=rng.choice(institutions),
                    submit=True,
                )
            made.append(idea)
        with clock.frozen_at(start + dt.timedelta(days=19.5)):
            for idea in made:
                bad = next((b for b in BAD_IDEAS if idea.title.startswith(b[0])), None)
                if bad:
                    original = made[0] if bad[2] == "duplicate" else None
                    services.idea_moderate(
                        actor=moderator,
                        idea=idea,
                        decision="reject",
                        reason=bad[2],
                        note="Идея не соответствует теме проекта."
                        if bad[2] != "duplicate"
                        else "Такая идея уже есть.",
                        duplicate_of=original,
                    )
                elif idea.pk % 17 == 0:
                    services.idea_moderate(
                        actor=moderator,
                        idea=idea,
                        decision="return",
                        note="Уточните, пожалуйста, для какого учреждения идея.",
                    )
                else:
                    services.idea_moderate(actor=moderator, idea=idea, decision="publish")
        published = [
            i
            for i in Idea.objects.filter(project=online, status=IdeaStatus.PUBLISHED).order_by("pk")
        ]
        with clock.frozen_at(start + dt.timedelta(days=25)):
            for idea in published:
                scores = {c.pk: (rng.randint(3, 10), "") for c in online.criteria.all()}
                services.review_submit(
                    actor=expert, idea=idea, scores=scores, comment="Оценка эксперта комиссии."
                )
        with clock.frozen_at(start + dt.timedelta(days=29)):
            ranked = sorted(
                Idea.objects.filter(project=online, status=IdeaStatus.PUBLISHED),
                key=lambda i: -(i.expert_score or 0),
            )
            for position, idea in enumerate(ranked):
                if position < 22:
                    services.idea_decide(
                        actor=admin,
                        idea=idea,
                        decision="shortlist",
                        reason="Идея полезна жителям и реализуема.",
                    )
                elif position < 24:
                    target = Idea.objects.filter(
                        project=online, status=IdeaStatus.SHORTLISTED
                    ).first()
                    if target and target.pk != idea.pk:
                        services.idea_decide(
                            actor=admin,
                            idea=idea,
                            decision="merge",
                            merge_into=target,
                            reason="Идеи очень близки, объединяем.",
                        )
                else:
                    services.idea_decide(
                        actor=admin,
                        idea=idea,
                        decision="not_selected",
                        reason="Похожие сервисы уже работают или идея требует больших затрат.",
                    )
        shortlisted = list(
            Idea.objects.filter(project=online, status=IdeaStatus.SHORTLISTED).order_by("pk")
        )
        with clock.frozen_at(start + dt.timedelta(days=33)):
            for idea in shortlisted[:6]:
                suggestion = services.suggestion_add(
                    actor=rng.choice(residents),
                    idea=idea,
                    text=idea.text + " Важно сразу сделать версию с субтитрами.",
                    comment="Чтобы было доступно всем.",
                )
                services.suggestion_decide(
                    actor=idea.author,
                    suggestion=suggestion,
                    accept=rng.random() < 0.7,
                    note="Спасибо!",
                )
            for idea in shortlisted[:10]:
                services.comment_add(
                    actor=rng.choice(residents),
                    idea=idea,
                    text="Отличная идея, поддерживаю! Особенно для тех, кто живёт далеко от центра.",
                )
        for voter in residents:
            choices = rng.sample(shortlisted, k=min(len(shortlisted), rng.randint(1, 5)))
            with clock.frozen_at(now - dt.timedelta(days=rng.uniform(0.1, 4.5))):
                for idea in choices:
                    services.vote_cast(actor=voter, idea=idea)

        # 2. «Музеи края. Будущее» — finished, winners in implementation.
        past = now - dt.timedelta(days=200)
        with clock.frozen_at(past - dt.timedelta(days=3)):
            museums = services.project_save(
                actor=admin,
                project=None,
                title="Музеи края. Будущее",
                slug="muzei-kraya-budushchee",
                organizer=minkult,
                summary="Какими должны стать музеи края через пять лет?",
                description="Жители предлагали, как изменить музеи края: новые форматы, удобство, работа с детьми. Победители уже реализуются.",
                ideas_per_participant=2,
                votes_per_participant=3,
                winners_count=3,
                institutions=[o for o in institutions if o.institution_type == "museum"],
                stages=_stages(past, 0, 20, 30, 40, 50, 60),
                directions=[("Новые форматы", ""), ("Удобство посетителей", "")],
                criteria=criteria,
            )
            services.project_publish(actor=admin, project=museums)
        museum_ideas = [
            (
                "Музейная ночь для подростков",
                "Раз в квартал проводить ночную программу для подростков: квест, концерт, мастерская.",
            ),
            (
                "Гардероб и кафе в художественном музее",
                "Сделать удобный гардероб без очереди и небольшое кафе, чтобы проводить в музее весь день.",
            ),
            (
                "Семейные абонементы",
                "Абонемент на год для семьи со скидкой и бесплатными занятиями для детей.",
            ),
            (
                "Сад при музее-усадьбе",
                "Восстановить исторический сад усадьбы «Берёзки» и проводить там летние чтения.",
            ),
            (
                "Навигация по музеям края",
                "Единые указатели и карта музеев в городе, чтобы туристы легко их находили.",
            ),
        ]
        m_dirs = list(museums.directions.all())
        for n, (title, text) in enumerate(museum_ideas):
            with clock.frozen_at(past + dt.timedelta(days=2 + n)):
                idea = services.idea_save(
                    actor=residents[n],
                    project=museums,
                    title=title,
                    text=text,
                    direction=m_dirs[n % 2],
                    submit=True,
                    institution=next(o for o in institutions if o.institution_type == "museum"),
                )
            with clock.frozen_at(past + dt.timedelta(days=10 + n)):
                services.idea_moderate(actor=moderator, idea=idea, decision="publish")
            with clock.frozen_at(past + dt.timedelta(days=25)):
                services.idea_decide(
                    actor=admin, idea=idea, decision="shortlist", reason="Проходит в голосование."
                )
        for voter in residents:
            with clock.frozen_at(past + dt.timedelta(days=42)):
                for idea in rng.sample(list(museums.ideas.all()), k=2):
                    services.vote_cast(actor=voter, idea=idea)
        with clock.frozen_at(past + dt.timedelta(days=50, hours=1)):
            services.results_announce(project_id=museums.pk)
        for idea in Idea.objects.filter(project=museums, status=IdeaStatus.WINNER):
            with clock.frozen_at(past + dt.timedelta(days=70)):
                services.implementation_update(
                    actor=admin,
                    idea=idea,
                    status="in_progress",
                    progress=rng.choice([30, 45, 60]),
                    note="Подрядчик выбран, работы идут по графику.",
                    milestones=[
                        (
                            "Техническое задание",
                            (past + dt.timedelta(days=65)).date(),
                            (past + dt.timedelta(days=64)).date(),
                        ),
                        (
                            "Договор с подрядчиком",
                            (past + dt.timedelta(days=90)).date(),
                            (past + dt.timedelta(days=88)).date(),
                        ),
                        ("Открытие для посетителей", (now + dt.timedelta(days=60)).date(), None),
                    ],
                )
            with clock.frozen_at(past + dt.timedelta(days=75)):
                services.reward_record(
                    actor=admin,
                    idea=idea,
                    what="Годовой семейный абонемент в музеи края",
                    handed_over=True,
                )

        # 3. «Библиотеки нового поколения» — upcoming.
        with clock.frozen_at(now - dt.timedelta(days=1)):
            libraries = services.project_save(
                actor=admin,
                project=None,
                title="Библиотеки нового поколения",
                slug="biblioteki-novogo-pokoleniya",
                organizer=minkult,
                summary="Что должно появиться в библиотеках края, чтобы вы приходили туда чаще?",
                description="Приём идей начнётся через десять дней. Подпишитесь на проект, чтобы не пропустить старт.",
                institutions=[o for o in institutions if o.institution_type == "library"],
                stages=_stages(now, 10, 30, 40, 50, 60, 90),
                directions=[
                    ("Пространство", "Зоны для работы, учёбы и отдыха."),
                    ("Сервисы", "Электронные услуги, доставка книг."),
                ],
                criteria=criteria,
            )
            services.project_publish(actor=admin, project=libraries)
    return Project.objects.count()

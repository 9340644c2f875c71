"""Upcoming events of the demo institutions: the next five weeks."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.utils import timezone

from vmeste.core import clock
from vmeste.organizations.models import Event, Organization

# type → (title, description, hour, minutes, free?, price, age)
EVENTS: dict[str, list[tuple[str, str, int, int, bool, int | None, str]]] = {
    "museum": [
        (
            "Экскурсия «Тайны старого Приозёрска»",
            "Обзорная экскурсия по залам с научным сотрудником.",
            12,
            90,
            False,
            300,
            "6+",
        ),
        (
            "Лекция «Купцы и меценаты края»",
            "Цикл лекций по истории края.",
            18,
            60,
            True,
            None,
            "12+",
        ),
        (
            "Семейная мастерская «Глиняная игрушка»",
            "Лепим и расписываем игрушку по старинным образцам.",
            11,
            90,
            False,
            250,
            "0+",
        ),
    ],
    "theatre": [
        (
            "Спектакль «Гроза»",
            "Драма А. Н. Островского в новой постановке.",
            19,
            150,
            False,
            600,
            "16+",
        ),
        (
            "Спектакль «Три поросёнка»",
            "Весёлая сказка для самых маленьких.",
            11,
            50,
            False,
            350,
            "0+",
        ),
        (
            "Открытая репетиция",
            "Зрители увидят, как рождается спектакль.",
            15,
            90,
            True,
            None,
            "12+",
        ),
    ],
    "library": [
        (
            "Клуб любителей чтения",
            "Обсуждаем книгу месяца за чашкой чая.",
            17,
            90,
            True,
            None,
            "16+",
        ),
        (
            "Курс «Цифровая грамотность для старшего поколения»",
            "Госуслуги, онлайн-запись к врачу, безопасность в сети.",
            14,
            90,
            True,
            None,
            "18+",
        ),
        (
            "Громкие чтения для детей",
            "Читаем вслух и рисуем героев сказок.",
            12,
            45,
            True,
            None,
            "0+",
        ),
    ],
    "culture_centre": [
        ("Концерт народного хора «Приозёрье»", "Народные песни края.", 18, 100, False, 200, "6+"),
        (
            "Танцевальный вечер «Кому за 50»",
            "Живая музыка, вальс и танго.",
            17,
            150,
            False,
            150,
            "18+",
        ),
    ],
    "park": [
        (
            "Утренняя зарядка с тренером",
            "Бесплатная зарядка на центральной аллее.",
            9,
            45,
            True,
            None,
            "0+",
        ),
        (
            "Экологический субботник",
            "Убираем парк вместе, инвентарь выдаём.",
            10,
            120,
            True,
            None,
            "6+",
        ),
    ],
    "concert_hall": [
        (
            "Симфонический концерт: Чайковский",
            "Краевой симфонический оркестр, дирижёр — А. Соколов.",
            19,
            120,
            False,
            800,
            "6+",
        ),
        (
            "Музыкальная гостиная",
            "Камерные произведения в исполнении солистов филармонии.",
            18,
            90,
            False,
            400,
            "12+",
        ),
    ],
    "school_of_arts": [
        (
            "Отчётный концерт учащихся",
            "Выступают ученики музыкального и хореографического отделений.",
            17,
            90,
            True,
            None,
            "0+",
        )
    ],
    "other": [
        (
            "Показ фильма «Летят журавли»",
            "Классика советского кино с обсуждением.",
            19,
            100,
            False,
            250,
            "12+",
        ),
        ("Мультфильмы для всей семьи", "Утренний сеанс.", 10, 80, False, 150, "0+"),
    ],
}


def seed_events(organizations: dict[str, Organization]) -> int:
    if Event.objects.exists():
        return Event.objects.count()
    rng = random.Random(11)
    today = clock.today()
    tz = timezone.get_current_timezone()
    made = []
    for org in (o for o in organizations.values() if o.kind == "institution"):
        for title, description, hour, minutes, free, price, age in EVENTS.get(
            org.institution_type, []
        ):
            for week in range(rng.randint(1, 3)):
                day = today + dt.timedelta(days=rng.randint(1, 6) + 7 * week)
                start = dt.datetime.combine(day, dt.time(hour, 0), tz)
                made.append(
                    Event(
                        organization=org,
                        title=title,
                        description=description,
                        starts_at=start,
                        ends_at=start + dt.timedelta(minutes=minutes),
                        is_free=free,
                        price=Decimal(price) if price else None,
                        age_rating=age,
                        phone=org.phone,
                    )
                )
    Event.objects.bulk_create(made)
    return len(made)

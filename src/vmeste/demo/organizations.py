"""A plausible region for the demo: Приозёрский край, its ministry of culture and 18 institutions."""

from __future__ import annotations

from decimal import Decimal

from vmeste.organizations.models import District, Organization, SocialPage

CENTRE = (Decimal("57.000000"), Decimal("41.000000"))

# name, slug, (row, column) of the district in a 2 × 3 grid around the centre
DISTRICTS = [
    ("Северный", "severnyj", (1, 0)),
    ("Центральный", "centralnyj", (1, 1)),
    ("Заречный", "zarechnyj", (1, 2)),
    ("Ленинский", "leninskij", (0, 0)),
    ("Октябрьский", "oktyabrskij", (0, 1)),
    ("Промышленный", "promyshlennyj", (0, 2)),
]
CELL_LAT, CELL_LON = Decimal("0.040000"), Decimal("0.070000")

MUSEUM_HOURS = "Вт–Вс 10:00–18:00, чт до 21:00\nПн — выходной"
LIBRARY_HOURS = (
    "Пн–Пт 10:00–19:00\nСб 11:00–18:00\nВс — выходной, последняя пятница месяца — санитарный день"
)
THEATRE_HOURS = "Касса: ежедневно 11:00–19:00\nСпектакли по афише"
CENTRE_HOURS = "Пн–Сб 09:00–21:00\nВс 10:00–18:00"
PARK_HOURS = "Ежедневно 07:00–23:00\nАттракционы с мая по сентябрь 11:00–21:00"
SCHOOL_HOURS = "Пн–Сб 08:30–20:00\nВс — выходной"

# short name, full name, slug, type, district slug, address, hours, phone, offset within district
INSTITUTIONS = [
    (
        "Краеведческий музей",
        "Приозёрский краевой краеведческий музей",
        "kraevedcheskij-muzej",
        "museum",
        "centralnyj",
        "г. Приозёрск, ул. Ленина, 12",
        MUSEUM_HOURS,
        "+7 (4932) 41-12-01",
        (0.3, 0.4),
    ),
    (
        "Художественный музей",
        "Художественный музей имени И. И. Шишкина",
        "hudozhestvennyj-muzej",
        "museum",
        "centralnyj",
        "г. Приозёрск, пр. Мира, 5",
        MUSEUM_HOURS,
        "+7 (4932) 41-12-15",
        (0.6, 0.7),
    ),
    (
        "Музей-усадьба «Берёзки»",
        "Литературный музей-усадьба «Берёзки»",
        "muzej-usadba-berezki",
        "museum",
        "severnyj",
        "г. Приозёрск, ул. Усадебная, 1",
        MUSEUM_HOURS,
        "+7 (4932) 43-70-02",
        (0.5, 0.3),
    ),
    (
        "Драмтеатр",
        "Приозёрский драматический театр имени А. Н. Островского",
        "dramteatr",
        "theatre",
        "centralnyj",
        "г. Приозёрск, Театральная пл., 1",
        THEATRE_HOURS,
        "+7 (4932) 41-30-30",
        (0.5, 0.5),
    ),
    (
        "Театр кукол «Сказка»",
        "Краевой театр кукол «Сказка»",
        "teatr-kukol-skazka",
        "theatre",
        "zarechnyj",
        "г. Приозёрск, ул. Набережная, 20",
        THEATRE_HOURS,
        "+7 (4932) 45-22-10",
        (0.4, 0.3),
    ),
    (
        "Театр «Перекрёсток»",
        "Молодёжный театр «Перекрёсток»",
        "teatr-perekryostok",
        "theatre",
        "leninskij",
        "г. Приозёрск, ул. Гагарина, 44",
        THEATRE_HOURS,
        "+7 (4932) 47-05-05",
        (0.6, 0.6),
    ),
    (
        "Научная библиотека",
        "Краевая научная библиотека имени М. Горького",
        "nauchnaya-biblioteka",
        "library",
        "centralnyj",
        "г. Приозёрск, ул. Советская, 30",
        LIBRARY_HOURS,
        "+7 (4932) 41-55-40",
        (0.2, 0.2),
    ),
    (
        "Детская библиотека",
        "Краевая детская библиотека имени А. П. Гайдара",
        "detskaya-biblioteka",
        "library",
        "oktyabrskij",
        "г. Приозёрск, ул. Школьная, 7",
        LIBRARY_HOURS,
        "+7 (4932) 48-31-17",
        (0.5, 0.4),
    ),
    (
        "Библиотека семейного чтения",
        "Библиотека семейного чтения № 3",
        "biblioteka-semejnogo-chteniya",
        "library",
        "promyshlennyj",
        "г. Приозёрск, ул. Заводская, 15",
        LIBRARY_HOURS,
        "+7 (4932) 49-14-03",
        (0.3, 0.6),
    ),
    (
        "ДК «Железнодорожник»",
        "Дом культуры «Железнодорожник»",
        "dk-zheleznodorozhnik",
        "culture_centre",
        "promyshlennyj",
        "г. Приозёрск, ул. Вокзальная, 2",
        CENTRE_HOURS,
        "+7 (4932) 49-60-60",
        (0.7, 0.3),
    ),
    (
        "ЦКД «Заречье»",
        "Центр культуры и досуга «Заречье»",
        "ckd-zareche",
        "culture_centre",
        "zarechnyj",
        "г. Приозёрск, ул. Луговая, 9",
        CENTRE_HOURS,
        "+7 (4932) 45-40-09",
        (0.7, 0.7),
    ),
    (
        "Дом народного творчества",
        "Краевой дом народного творчества",
        "dom-narodnogo-tvorchestva",
        "culture_centre",
        "leninskij",
        "г. Приозёрск, ул. Пушкина, 18",
        CENTRE_HOURS,
        "+7 (4932) 47-18-18",
        (0.3, 0.3),
    ),
    (
        "Парк имени Гагарина",
        "Центральный парк культуры и отдыха имени Ю. А. Гагарина",
        "park-gagarina",
        "park",
        "oktyabrskij",
        "г. Приозёрск, ул. Парковая, 1",
        PARK_HOURS,
        "+7 (4932) 48-00-01",
        (0.6, 0.7),
    ),
    (
        "Парк «Берёзовая роща»",
        "Парк «Берёзовая роща»",
        "park-beryozovaya-roshcha",
        "park",
        "severnyj",
        "г. Приозёрск, ул. Лесная, 3",
        PARK_HOURS,
        "+7 (4932) 43-33-03",
        (0.2, 0.7),
    ),
    (
        "Филармония",
        "Приозёрская краевая филармония",
        "filarmoniya",
        "concert_hall",
        "centralnyj",
        "г. Приозёрск, ул. Карла Маркса, 25",
        THEATRE_HOURS,
        "+7 (4932) 41-25-25",
        (0.8, 0.3),
    ),
    (
        "ДШИ № 1",
        "Детская школа искусств № 1",
        "dshi-1",
        "school_of_arts",
        "oktyabrskij",
        "г. Приозёрск, ул. Чайковского, 11",
        SCHOOL_HOURS,
        "+7 (4932) 48-11-11",
        (0.3, 0.2),
    ),
    (
        "ДШИ № 2",
        "Детская школа искусств № 2 имени С. В. Рахманинова",
        "dshi-2",
        "school_of_arts",
        "severnyj",
        "г. Приозёрск, ул. Молодёжная, 6",
        SCHOOL_HOURS,
        "+7 (4932) 43-22-22",
        (0.8, 0.5),
    ),
    (
        "Кинотеатр «Родина»",
        "Муниципальный кинотеатр «Родина»",
        "kinoteatr-rodina",
        "other",
        "leninskij",
        "г. Приозёрск, ул. Ленина, 60",
        "Ежедневно 10:00–23:00",
        "+7 (4932) 47-60-60",
        (0.7, 0.5),
    ),
]

DESCRIPTIONS = {
    "museum": "Постоянные экспозиции, временные выставки, экскурсии и занятия для школьников. Принимает Пушкинскую карту.",
    "theatre": "Спектакли для взрослых и детей, творческие встречи, экскурсии за кулисы. Билеты — в кассе и на сайте, по Пушкинской карте.",
    "library": "Абонемент и читальные залы, электронные ресурсы, клубы по интересам, лекции и курсы цифровой грамотности.",
    "culture_centre": "Кружки и студии для детей и взрослых, концерты самодеятельных коллективов, праздники района.",
    "park": "Прогулочные аллеи, детские и спортивные площадки, летняя эстрада, прокат инвентаря.",
    "concert_hall": "Симфонический оркестр, камерные ансамбли, абонементные концерты и музыкальные лектории.",
    "school_of_arts": "Музыкальное, художественное и хореографическое отделения для детей от 6 лет; отчётные концерты и выставки.",
    "other": "Показы новых фильмов, ретроспективы и кинолектории, детские утренники по выходным.",
}


def _square(row: int, column: int) -> tuple[Decimal, Decimal]:
    """South-west corner of a district's cell; the grid is centred on the city centre."""
    lat = CENTRE[0] + (row - 1) * CELL_LAT
    lon = CENTRE[1] + (Decimal(column) - Decimal("1.5")) * CELL_LON
    return lat, lon


def district_polygon(row: int, column: int) -> dict[str, object]:
    south, west = _square(row, column)
    north, east = south + CELL_LAT, west + CELL_LON
    ring = [
        [float(west), float(south)],
        [float(east), float(south)],
        [float(east), float(north)],
        [float(west), float(north)],
        [float(west), float(south)],
    ]
    return {"type": "Polygon", "coordinates": [ring]}


def seed_organizations() -> dict[str, Organization]:
    districts: dict[str, tuple[District, tuple[int, int]]] = {}
    for name, slug, cell in DISTRICTS:
        district, _ = District.objects.update_or_create(
            slug=slug, defaults={"name": name, "boundary": district_polygon(*cell)}
        )
        districts[slug] = (district, cell)

    region, _ = Organization.objects.update_or_create(
        slug="priozyorskij-kraj",
        defaults={
            "name": "Приозёрский край",
            "short_name": "Приозёрский край",
            "kind": "region",
            "address": "г. Приозёрск, пл. Революции, 1",
            "website": "https://priozyorsk.example.ru",
        },
    )
    ministry, _ = Organization.objects.update_or_create(
        slug="minkult",
        defaults={
            "name": "Министерство культуры Приозёрского края",
            "short_name": "Минкультуры края",
            "kind": "department",
            "parent": region,
            "address": "г. Приозёрск, ул. Советская, 2",
            "phone": "+7 (4932) 41-00-10",
            "email": "minkult@priozyorsk.example.ru",
            "website": "https://minkult.priozyorsk.example.ru",
            "opening_hours": "Пн–Чт 09:00–18:00\nПт 09:00–16:45\nОбед 13:00–13:45",
            "description": "Отвечает за музеи, театры, библиотеки, дома культуры, парки и школы искусств края.",
            "district": districts["centralnyj"][0],
        },
    )
    centre, _ = Organization.objects.update_or_create(
        slug="cur",
        defaults={
            "name": "Центр управления регионом Приозёрского края",
            "short_name": "ЦУР",
            "kind": "governance_centre",
            "parent": region,
            "address": "г. Приозёрск, ул. Советская, 4",
            "phone": "+7 (4932) 41-01-22",
            "email": "cur@priozyorsk.example.ru",
            "description": "Находит обращения жителей в социальных сетях и передаёт их ответственным.",
            "opening_hours": "Ежедневно 08:00–20:00",
            "district": districts["centralnyj"][0],
        },
    )
    result = {"region": region, "minkult": ministry, "cur": centre}
    for short, full, slug, kind, district_slug, address, hours, phone, (dy, dx) in INSTITUTIONS:
        district, cell = districts[district_slug]
        south, west = _square(*cell)
        org, _ = Organization.objects.update_or_create(
            slug=slug,
            defaults={
                "name": full,
                "short_name": short,
                "kind": "institution",
                "institution_type": kind,
                "parent": ministry,
                "district": district,
                "address": address,
                "latitude": (south + CELL_LAT * Decimal(str(dy))).quantize(Decimal("0.000001")),
                "longitude": (west + CELL_LON * Decimal(str(dx))).quantize(Decimal("0.000001")),
                "phone": phone,
                "email": f"{slug}@culture.priozyorsk.example.ru",
                "website": f"https://{slug}.priozyorsk.example.ru",
                "opening_hours": hours,
                "description": DESCRIPTIONS[kind],
            },
        )
        SocialPage.objects.get_or_create(
            organization=org, network="vk", url=f"https://vk.com/{slug.replace('-', '_')}"
        )
        SocialPage.objects.get_or_create(
            organization=org, network="telegram", url=f"https://t.me/{slug.replace('-', '_')}"
        )
        result[slug] = org
    return result

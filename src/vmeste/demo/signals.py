"""About 150 posts, comments and messages from the region's pages, triaged and partly worked.

They arrive through the real intake (the same code as the webhooks) with the clock set back, the
classifiers are trained on the demo's appeals first (``vmeste triage train``), and the operator
reacts to the older ones through the services, so the queue, the deadlines, the dashboard and the
training labels all look lived-in. Demo sources have no tokens: replies are recorded, not sent.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from vmeste.appeals.models import Category
from vmeste.core import clock
from vmeste.core.errors import ValidationFailed
from vmeste.organizations.models import Organization
from vmeste.signals import learning, services
from vmeste.signals.connectors import Delivery, Item
from vmeste.signals.models import Kind, Signal, Source
from vmeste.signals.triage import triage_signals

ALIASES = {
    "kraevedcheskij-muzej": "краеведческий\nкраеведка\nмузей на Ленина",
    "dramteatr": "драмтеатр\nтеатр Островского\nдраматический театр",
    "park-gagarina": "парк Гагарина\nЦПКиО",
    "nauchnaya-biblioteka": "Горьковка\nнаучная библиотека\nбиблиотека Горького",
    "detskaya-biblioteka": "детская библиотека\nбиблиотека Гайдара",
    "filarmoniya": "филармония",
    "kinoteatr-rodina": "кинотеатр Родина",
    "teatr-kukol-skazka": "кукольный театр\nтеатр кукол",
}

# (kind, text); «{place}» is an institution in the form the phrase needs.
POSTS: list[tuple[str, str]] = [
    ("complaint", "В {prep} опять не работает гардероб, стоим в куртках в очереди полчаса"),
    ("complaint", "Почему в {prep} такой холод? В зале +15, дети сидят в шапках"),
    ("complaint", "Протекает крыша в {prep}, в зале поставили вёдра. Сколько можно!"),
    ("complaint", "У входа в {gen} сломан пандус, с коляской не заехать"),
    ("complaint", "Кассир в {prep} нахамила пожилой женщине, безобразие"),
    ("complaint", "Туалет в {prep} закрыт уже неделю, объявления никакого нет"),
    ("complaint", "Купили билеты онлайн в {acc}, деньги списали, а билетов нет"),
    ("complaint", "Возле {gen} не горят фонари, вечером страшно идти"),
    ("complaint", "Срочно! В {prep} искрит проводка у входа, рядом дети"),
    ("complaint", "В {prep} обвалилась штукатурка с потолка, чудом никого не задело"),
    ("complaint", "Мусор у {gen} не вывозят вторую неделю, всё раскидали собаки"),
    ("complaint", "Сайт {gen} не работает, не могу узнать расписание"),
    ("question", "Подскажите, до скольки сегодня работает {nom}?"),
    ("question", "Когда в {prep} будет новая выставка? Очень ждём"),
    ("question", "Можно ли по Пушкинской карте купить билет в {acc}?"),
    ("question", "Где найти расписание кружков в {prep}?"),
    ("question", "Работает ли {nom} в праздничные дни?"),
    ("suggestion", "Предлагаю сделать в {prep} вечерние часы по пятницам, днём все на работе"),
    ("suggestion", "Было бы здорово добавить в {prep} экскурсии на жестовом языке"),
    ("suggestion", "Давайте организуем у {gen} летний кинотеатр под открытым небом"),
    ("thanks", "Спасибо сотрудникам {gen} за прекрасную экскурсию, дети в восторге!"),
    ("thanks", "Благодарю {acc} за концерт, замечательный вечер"),
    ("noise", "Подпишись на наш канал и получи скидку 50% на всё"),
    ("noise", "Репост, если согласен 👍👍👍"),
    ("noise", "Продам коляску, недорого, пишите в личку"),
]

# Declined forms of the demo institutions' names («в краеведческом музее», «у драмтеатра»).
FORMS: dict[str, dict[str, str]] = {
    "kraevedcheskij-muzej": {
        "nom": "краеведческий музей",
        "gen": "краеведческого музея",
        "prep": "краеведческом музее",
        "acc": "краеведческий музей",
    },
    "hudozhestvennyj-muzej": {
        "nom": "художественный музей",
        "gen": "художественного музея",
        "prep": "художественном музее",
        "acc": "художественный музей",
    },
    "dramteatr": {
        "nom": "драмтеатр",
        "gen": "драмтеатра",
        "prep": "драмтеатре",
        "acc": "драмтеатр",
    },
    "nauchnaya-biblioteka": {
        "nom": "научная библиотека",
        "gen": "научной библиотеки",
        "prep": "научной библиотеке",
        "acc": "научную библиотеку",
    },
    "detskaya-biblioteka": {
        "nom": "детская библиотека",
        "gen": "детской библиотеки",
        "prep": "детской библиотеке",
        "acc": "детскую библиотеку",
    },
    "park-gagarina": {
        "nom": "парк Гагарина",
        "gen": "парка Гагарина",
        "prep": "парке Гагарина",
        "acc": "парк Гагарина",
    },
    "filarmoniya": {
        "nom": "филармония",
        "gen": "филармонии",
        "prep": "филармонии",
        "acc": "филармонию",
    },
    "teatr-kukol-skazka": {
        "nom": "театр кукол",
        "gen": "театра кукол",
        "prep": "театре кукол",
        "acc": "театр кукол",
    },
}
CATEGORY_FOR = {
    "гардероб": "building",
    "холод": "building",
    "крыша": "building",
    "пандус": "accessibility",
    "нахамила": "staff",
    "туалет": "building",
    "билеты": "tickets",
    "фонари": "parks",
    "искрит": "urgent",
    "штукатурка": "urgent",
    "мусор": "parks",
    "сайт": "other",
}
NAMES = ["id1834", "id20571", "id4410", "id77002", "id9120", "id31337", "id58", "id6642"]


def _sources(organizations: dict[str, Organization]) -> list[Source]:
    centre = organizations["cur"]
    specs = [
        ("ВКонтакте: Минкультуры края", "vk-minkult", Source.Kind.VK, "210000001"),
        ("ВКонтакте: Краеведческий музей", "vk-kraevedcheskij", Source.Kind.VK, "210000002"),
        ("Telegram: бот «Вместе»", "tg-vmeste-bot", Source.Kind.TELEGRAM, ""),
        ("Мониторинг городских пабликов", "monitoring", Source.Kind.WEBHOOK, ""),
    ]
    sources = []
    for name, slug, kind, external_id in specs:
        source, _ = Source.objects.get_or_create(
            slug=slug,
            defaults={
                "name": name,
                "kind": kind,
                "organization": centre,
                "external_id": external_id,
                "confirmation_code": "demo1234" if kind == Source.Kind.VK else "",
                "url": f"https://vk.com/{slug}" if kind == Source.Kind.VK else "",
            },
        )
        sources.append(source)
    return sources


def seed_signals(
    people: dict[str, Any], organizations: dict[str, Organization], count: int = 150
) -> int:
    if Signal.objects.exists():
        return Signal.objects.count()
    for slug, aliases in ALIASES.items():
        Organization.objects.filter(slug=slug).update(aliases=aliases)
    for target in learning.TARGETS:
        learning.train(target)
    learning.models.reset()
    rng = random.Random(311)
    sources = _sources(organizations)
    now = clock.now()
    operator = people["operator"]
    made: list[tuple[Signal, str]] = []
    for n in range(count):
        kind, template = rng.choice(POSTS)
        slug = rng.choice(list(FORMS))
        text = template.format(**FORMS[slug])
        source = rng.choice(sources)
        # The last day's posts are fresh; older ones the operator has already worked.
        received = now - dt.timedelta(
            hours=rng.uniform(0, 24 * 21) if n % 5 else rng.uniform(0, 20)
        )
        item = _item(source, n, text, received)
        with clock.frozen_at(received):
            _raw, created = services.ingest(
                source, Delivery(key=f"demo:{n}", event_type="demo", items=[item]), {"demo": n}
            )
        if created:
            made.append((created[0], kind))
    ids = [s.pk for s, _ in made]
    for offset in range(0, len(ids), 64):
        triage_signals(ids[offset : offset + 64])
    categories = {c.slug: c for c in Category.objects.all()}
    for signal, kind in made:
        signal.refresh_from_db()
        age = now - signal.received_at
        if age < dt.timedelta(hours=20):
            continue  # waiting in the queue
        late = rng.random() < 0.15
        react_at = signal.received_at + dt.timedelta(
            hours=rng.uniform(30, 60) if late else rng.uniform(0.5, 6)
        )
        with clock.frozen_at(min(react_at, now)):
            _react(signal, kind, operator, categories, rng)
    return len(made)


def _item(source: Source, n: int, text: str, received: dt.datetime) -> Item:
    author = NAMES[n % len(NAMES)]
    if source.kind == Source.Kind.TELEGRAM:
        return Item(
            external_id=f"{7000 + n}:{n}",
            item_type=Signal.ItemType.MESSAGE,
            text=text,
            posted_at=received,
            author_handle=f"@resident{n % 9}",
            reply_to={"chat_id": 7000 + n, "message_id": n},
        )
    if source.kind == Source.Kind.VK:
        owner = -int(source.external_id)
        return Item(
            external_id=f"wall:{owner}_{1000 + n}",
            item_type=Signal.ItemType.POST,
            text=text,
            posted_at=received,
            author_handle=author,
            url=f"https://vk.com/wall{owner}_{1000 + n}",
            reply_to={"owner_id": owner, "post_id": 1000 + n},
        )
    return Item(
        external_id=f"pub-{n}",
        item_type=Signal.ItemType.POST,
        text=text,
        posted_at=received,
        author_handle=author,
    )


def _react(
    signal: Signal,
    kind: str,
    operator: Any,
    categories: dict[str, Category],
    rng: random.Random,
) -> None:
    if kind == Kind.NOISE:
        services.signal_dismiss(actor=operator, signal=signal, reason="noise")
    elif kind == Kind.THANKS:
        services.signal_dismiss(actor=operator, signal=signal, reason="thanks")
    elif kind == Kind.QUESTION:
        services.signal_answer(
            actor=operator,
            signal=signal,
            text="Здравствуйте! Режим работы и афиша — на странице учреждения на портале «Вместе».",
        )
    elif kind == Kind.SUGGESTION or rng.random() < 0.1:
        services.signal_dismiss(
            actor=operator,
            signal=signal,
            reason="other",
            comment="Передано в проект «Культура рядом» как идея",
        )
    else:
        word = next((w for w in CATEGORY_FOR if w in signal.text.lower()), "")
        category = categories.get(CATEGORY_FOR.get(word, "other")) or signal.category
        try:
            services.signal_create_appeal(
                actor=operator,
                signal=signal,
                category=category,
                text=signal.clean_text or signal.text,
                institution=signal.institution,
                district=signal.district,
                address=signal.address,
            )
        except ValidationFailed:
            services.signal_dismiss(
                actor=operator, signal=signal, reason="other", comment="Не хватает сведений"
            )

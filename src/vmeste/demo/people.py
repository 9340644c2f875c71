"""Demo people: staff for every role and a few residents. All share one printed demo password."""

from __future__ import annotations

from allauth.account.models import EmailAddress

from vmeste.accounts.models import Consent, Role, User
from vmeste.core import clock
from vmeste.organizations.models import District, Organization

DEMO_PASSWORD = "vmeste-demo-2026"

# e-mail, display name, first, last, role, organization slug, description
STAFF = [
    (
        "admin@vmeste.demo",
        "Администратор платформы",
        "Олег",
        "Смирнов",
        None,
        None,
        "администратор платформы: всё, включая организации и справочники",
    ),
    (
        "supervisor@vmeste.demo",
        "Контролёр минкультуры",
        "Марина",
        "Белова",
        "supervisor",
        "minkult",
        "контролёр министерства: согласует ответы, продлевает сроки, разбирает споры",
    ),
    (
        "moderator@vmeste.demo",
        "Модератор",
        "Игорь",
        "Журавлёв",
        "moderator",
        "minkult",
        "модератор: проверяет идеи, комментарии и обращения",
    ),
    (
        "projects@vmeste.demo",
        "Куратор проектов",
        "Светлана",
        "Корнилова",
        "project_admin",
        "minkult",
        "администратор краудсорсинг-проектов",
    ),
    (
        "expert@vmeste.demo",
        "Эксперт комиссии",
        "Павел",
        "Дорофеев",
        "expert",
        "minkult",
        "эксперт комиссии: оценивает идеи",
    ),
    (
        "museum@vmeste.demo",
        "Краеведческий музей",
        "Елена",
        "Громова",
        "executor",
        "kraevedcheskij-muzej",
        "исполнитель в краеведческом музее: отвечает на обращения",
    ),
    (
        "theatre@vmeste.demo",
        "Драмтеатр",
        "Андрей",
        "Лосев",
        "executor",
        "dramteatr",
        "исполнитель в драмтеатре",
    ),
    (
        "operator@vmeste.demo",
        "Оператор ЦУР",
        "Ксения",
        "Миронова",
        "operator",
        "cur",
        "оператор ЦУР: разбирает сигналы из соцсетей",
    ),
]

# e-mail, display name, district slug
RESIDENTS = [
    ("anna@vmeste.demo", "Анна К.", "centralnyj"),
    ("boris@vmeste.demo", "Борис Петрович", "zarechnyj"),
    ("vera@vmeste.demo", "Вера", "severnyj"),
    ("dmitry@vmeste.demo", "Дмитрий", "promyshlennyj"),
]


def _user(email: str, display_name: str, **fields: object) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email, DEMO_PASSWORD, display_name=display_name, **fields)
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    if not user.consents.exists():
        Consent.objects.create(user=user, version="2026-12-01", given_at=clock.now())
    return user


def seed_people(organizations: dict[str, Organization]) -> dict[str, User]:
    people: dict[str, User] = {}
    for email, display, first, last, role, org_slug, _about in STAFF:
        extra: dict[str, object] = {"first_name": first, "last_name": last}
        if role is None:
            extra.update(is_staff=True, is_superuser=True, is_platform_admin=True)
        user = _user(email, display, **extra)
        if role and org_slug:
            Role.objects.get_or_create(user=user, organization=organizations[org_slug], kind=role)
        people[email.split("@")[0]] = user
    for email, display, district_slug in RESIDENTS:
        people[email.split("@")[0]] = _user(
            email, display, district=District.objects.get(slug=district_slug)
        )
    return people


def logins() -> list[tuple[str, str]]:
    rows = [(email, about) for email, _d, _f, _l, _r, _o, about in STAFF]
    rows += [(email, f"жительница/житель: {display}") for email, display, _ in RESIDENTS]
    return rows

from typing import Annotated, Any, Literal

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja import Status as Reply
from ninja.security import django_auth

from vmeste.accounts import tokens as tokens_service
from vmeste.core.api import API_AUTH, AUTH_ERRORS
from vmeste.core.errors import NotFound
from vmeste.core.http import signed_in

router = Router()


class RoleOut(Schema):
    role: str
    organization_id: int
    organization: str


class MeOut(Schema):
    id: int
    email: str
    display_name: str
    public_name: str
    district_id: int | None
    language: str
    is_platform_admin: bool
    roles: list[RoleOut]


@router.get(
    "/me", response={200: MeOut, **AUTH_ERRORS}, auth=API_AUTH, summary="The signed-in person"
)
def me(request: HttpRequest) -> dict[str, object]:
    user = signed_in(request)
    return {
        "id": user.pk,
        "email": user.email,
        "display_name": user.display_name,
        "public_name": user.public_name,
        "district_id": user.district_id,
        "language": user.language,
        "is_platform_admin": user.is_platform_admin,
        "roles": [
            {
                "role": role.kind,
                "organization_id": role.organization_id,
                "organization": str(role.organization),
            }
            for role in user.roles.select_related("organization")
        ],
    }


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: str
    last_used_at: str | None
    revoked: bool


class TokenCreatedOut(TokenOut):
    key: str


class TokenIn(Schema):
    name: str


def _token(token: Any) -> dict[str, Any]:
    return {
        "id": token.pk,
        "name": token.name,
        "prefix": token.prefix,
        "created_at": token.created_at.isoformat(),
        "last_used_at": token.last_used_at.isoformat() if token.last_used_at else None,
        "revoked": token.revoked_at is not None,
    }


@router.get(
    "/me/tokens",
    response={200: list[TokenOut], **AUTH_ERRORS},
    auth=API_AUTH,
    summary="My personal access tokens",
)
def tokens(request: HttpRequest) -> Any:
    return [_token(t) for t in signed_in(request).api_tokens.all()]


@router.post(
    "/me/tokens",
    response={201: TokenCreatedOut, **AUTH_ERRORS},
    auth=django_auth,
    summary="Create a token (from a signed-in browser session)",
)
def token_create(request: HttpRequest, payload: TokenIn) -> Any:
    """The key is shown once, in this answer; only its hash is kept."""
    token, key = tokens_service.token_create(user=signed_in(request), name=payload.name)
    return Reply(201, {**_token(token), "key": key})


@router.delete(
    "/me/tokens/{token_id}",
    response={200: TokenOut, **AUTH_ERRORS},
    auth=API_AUTH,
    summary="Revoke a token",
)
def token_revoke(request: HttpRequest, token_id: Annotated[int, Field(ge=1, le=2**63 - 1)]) -> Any:
    user = signed_in(request)
    token = user.api_tokens.filter(pk=token_id).first()
    if token is None:
        raise NotFound()
    return _token(tokens_service.token_revoke(user=user, token=token))


class ProfileIn(Schema):
    display_name: Annotated[str, Field(max_length=80)] = ""
    district_id: Annotated[int, Field(ge=1, le=2**63 - 1)] | None = None
    language: Literal["ru", "en"] = "ru"
    notifications_off: dict[
        Literal["email", "site"],
        list[Literal["status", "answers", "comments", "followed", "digest"]],
    ] = {}


@router.put(
    "/me",
    response={200: MeOut, **AUTH_ERRORS},
    auth=API_AUTH,
    summary="Change my profile and notification settings",
)
def me_update(request: HttpRequest, payload: ProfileIn) -> Any:
    from vmeste.organizations.models import District

    from . import services

    user = signed_in(request)
    district = (
        District.objects.filter(pk=payload.district_id).first() if payload.district_id else None
    )
    if payload.district_id and district is None:
        raise NotFound(details={"field": "district_id"})
    services.profile_update(
        user=user,
        display_name=payload.display_name,
        district=district,
        notifications_off={k: list(v) for k, v in payload.notifications_off.items()},
        language=payload.language,
    )
    return me(request)


@router.get(
    "/me/data",
    response={200: dict[str, Any], **AUTH_ERRORS},
    auth=API_AUTH,
    summary="Everything the platform holds about me",
)
def me_data(request: HttpRequest) -> Any:
    from . import services

    user = signed_in(request)
    return services.account_export(actor=user, user=user)


class NotificationOut(Schema):
    id: int
    kind: str
    title: str
    body: str
    url: str
    created_at: str
    read: bool


@router.get(
    "/me/notifications",
    response={200: list[NotificationOut], **AUTH_ERRORS},
    auth=API_AUTH,
    summary="My notifications, newest first",
)
def notifications(request: HttpRequest, unread: bool = False) -> Any:
    qs = signed_in(request).notifications.all()
    if unread:
        qs = qs.filter(read_at__isnull=True)
    return [
        {
            "id": n.pk,
            "kind": n.kind,
            "title": n.title,
            "body": n.body,
            "url": n.url,
            "created_at": n.created_at.isoformat(),
            "read": n.read_at is not None,
        }
        for n in qs[:200]
    ]


class ReadIn(Schema):
    ids: list[Annotated[int, Field(ge=1, le=2**63 - 1)]] | None = None


class CountOut(Schema):
    marked: int


@router.post(
    "/me/notifications/read",
    response={200: CountOut, **AUTH_ERRORS},
    auth=API_AUTH,
    summary="Mark notifications read (all, or the given ids)",
)
def notifications_read(request: HttpRequest, payload: ReadIn) -> Any:
    from vmeste.notifications.services import notifications_mark_read

    return {"marked": notifications_mark_read(user=signed_in(request), ids=payload.ids)}

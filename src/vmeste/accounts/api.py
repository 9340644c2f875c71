from typing import Annotated, Any

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

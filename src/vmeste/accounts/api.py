from django.http import HttpRequest
from ninja import Router, Schema
from ninja.security import django_auth

from vmeste.core.api import AUTH_ERRORS
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
    "/me", response={200: MeOut, **AUTH_ERRORS}, auth=django_auth, summary="The signed-in person"
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

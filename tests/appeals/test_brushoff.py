"""The brush-off check on answers written for it: formal replies and concrete ones."""

import pytest

from vmeste.appeals.brushoff import brushoff_check

FORMAL = [
    "Ваше обращение рассмотрено. Информация принята к сведению.",
    "Благодарим за обращение. Работа будет проведена в плановом порядке по мере финансирования.",
    "Обращение направлено по компетенции. Будут приняты необходимые меры.",
    "Сообщаем, что вопрос находится на контроле, ведётся работа.",
    "По вашему обращению проводится работа в рамках компетенции учреждения. О результатах будет сообщено дополнительно в установленном порядке.",
]
CONCRETE = [
    "Здравствуйте! 14 мая бригада ООО «Стройсервис» заменила три листа кровли над залом древней истории. Ответственный — заместитель директора Петров С. В. Фото приложено.",
    "Деньги за билет возвращены 12.05.2026 на карту, номер операции 77120. Кассиру сделано замечание.",
    "Лампы на лестнице заменены сегодня, дополнительно установлены два светильника с датчиком движения.",
    "Пандус у входа установим до 1 июня: договор с подрядчиком заключён 3 мая, работы займут 10 дней.",
    "Расписание на сайте исправлено, на двери размещена табличка с часами работы: Вт–Вс 10:00–18:00.",
]


@pytest.mark.parametrize("text", FORMAL)
def test_formal_replies_are_flagged_with_reasons(text) -> None:
    result = brushoff_check(text)
    assert result.is_flagged, result
    assert result.score >= 0.55
    assert result.reasons


@pytest.mark.parametrize("text", CONCRETE)
def test_concrete_answers_pass(text) -> None:
    result = brushoff_check(text)
    assert not result.is_flagged, result
    assert result.score <= 0.25


def test_the_reasons_name_the_stock_phrase() -> None:
    reasons = brushoff_check("Информация принята к сведению.").reasons
    assert (
        "stock_phrase:принята к сведению" in reasons
        and "no_date" in reasons
        and "no_action" in reasons
    )

"""Numbers and reading times in words, hyphenated as English writes them."""

from __future__ import annotations

import pytest

from clawdemy_site.render.words import minutes_sentence, number_in_words


@pytest.mark.parametrize(
    ("minutes", "sentence"),
    [
        pytest.param(20, "About twenty minutes.", id="20"),
        pytest.param(35, "About thirty-five minutes.", id="35"),
        pytest.param(1, "About one minute.", id="1-singular"),
        pytest.param(2, "About two minutes.", id="2"),
        pytest.param(12, "About twelve minutes.", id="12"),
        pytest.param(21, "About twenty-one minutes.", id="21"),
        pytest.param(59, "About fifty-nine minutes.", id="59"),
        # From an hour on, in hours to the nearest half hour (a quarter hour rounds up).
        pytest.param(60, "About one hour.", id="60"),
        pytest.param(74, "About one hour.", id="74"),
        pytest.param(75, "About one and a half hours.", id="75"),
        pytest.param(90, "About one and a half hours.", id="90"),
        pytest.param(105, "About two hours.", id="105"),
        pytest.param(120, "About two hours.", id="120"),
        pytest.param(130, "About two hours.", id="130"),
        pytest.param(150, "About two and a half hours.", id="150"),
        pytest.param(600, "About ten hours.", id="600"),
        pytest.param(6000, "About one hundred hours.", id="6000"),
    ],
)
def test_minutes_sentence(minutes: int, sentence: str) -> None:
    assert minutes_sentence(minutes) == sentence


@pytest.mark.parametrize(
    ("n", "words"),
    [
        pytest.param(0, "zero", id="0"),
        pytest.param(7, "seven", id="7"),
        pytest.param(13, "thirteen", id="13"),
        pytest.param(19, "nineteen", id="19"),
        pytest.param(40, "forty", id="40"),
        pytest.param(42, "forty-two", id="42"),
        pytest.param(99, "ninety-nine", id="99"),
        pytest.param(100, "one hundred", id="100"),
        pytest.param(101, "one hundred and one", id="101"),
        pytest.param(345, "three hundred and forty-five", id="345"),
        pytest.param(1000, "one thousand", id="1000"),
        pytest.param(1005, "one thousand and five", id="1005"),
        pytest.param(2345, "two thousand three hundred and forty-five", id="2345"),
        pytest.param(
            999_999,
            "nine hundred and ninety-nine thousand nine hundred and ninety-nine",
            id="999999",
        ),
        pytest.param(1_000_000, "1000000", id="too-large-stays-digits"),
        pytest.param(-3, "-3", id="negative-stays-digits"),
    ],
)
def test_number_in_words(n: int, words: str) -> None:
    assert number_in_words(n) == words

"""Numbers and durations as English writes them: 35 -> "thirty-five"."""

from __future__ import annotations

_ONES = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
]
_TENS = ["_", "_", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]


def number_in_words(n: int) -> str:
    """0 to 999,999 in words, hyphenated as English writes them (`forty-two`)."""
    if n < 0 or n >= 1_000_000:
        return str(n)
    if n < 20:
        return _ONES[n]
    if n < 100:
        tens, ones = divmod(n, 10)
        return _TENS[tens] + (f"-{_ONES[ones]}" if ones else "")
    if n < 1000:
        hundreds, rest = divmod(n, 100)
        head = f"{_ONES[hundreds]} hundred"
        return head + (f" and {number_in_words(rest)}" if rest else "")
    thousands, rest = divmod(n, 1000)
    head = f"{number_in_words(thousands)} thousand"
    if not rest:
        return head
    return head + (" and " if rest < 100 else " ") + number_in_words(rest)


def minutes_sentence(minutes: int) -> str:
    """How long something takes, in words: `About twenty minutes.` (`About one minute.`);
    an hour or more is said in hours, to the nearest half hour: `About one hour.`,
    `About one and a half hours.`, `About two hours.`"""
    if minutes < 60:
        noun = "minute" if minutes == 1 else "minutes"
        return f"About {number_in_words(minutes)} {noun}."
    halves = (minutes + 15) // 30  # half hours, a quarter of an hour rounding up
    hours, half = divmod(halves, 2)
    if not half:
        return f"About {number_in_words(hours)} hour{'' if hours == 1 else 's'}."
    return f"About {number_in_words(hours)} and a half hours."

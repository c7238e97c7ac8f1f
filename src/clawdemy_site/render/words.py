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
    """`About twenty minutes.` (`About one minute.` for 1)."""
    noun = "minute" if minutes == 1 else "minutes"
    return f"About {number_in_words(minutes)} {noun}."

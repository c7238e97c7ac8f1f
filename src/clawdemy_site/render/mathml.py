"""TeX turned into MathML (by latex2mathml, loaded only when some math is new), with the
conversions remembered: a build keeps them in its cache for the next one, so an edited
lesson whose math did not change renders without loading the converter."""

from __future__ import annotations

#: MathML made so far, by (TeX, display); a build keeps it in its cache for the next one.
_converted: dict[tuple[str, bool], str] = {}
#: How many conversions the memo keeps.
MEMO_SIZE = 4096


def known_mathml() -> dict[tuple[str, bool], str]:
    """The conversions remembered, newest last."""
    return dict(_converted)


def remember_mathml(known: dict[tuple[str, bool], str]) -> None:
    """Take conversions made by an earlier process: an edited lesson whose math did not
    change renders without loading the converter (a tenth of a second at start)."""
    for key, mathml in known.items():
        if isinstance(key, tuple) and isinstance(mathml, str):
            _converted.setdefault(key, mathml)


def tex_to_mathml(tex: str, *, display: bool) -> str:
    """MathML for `tex`; raises ValueError with a readable reason when it cannot be converted."""
    found = _converted.get((tex, display))
    if found is not None:
        return found
    from latex2mathml.converter import convert  # only when some math is new

    try:
        mathml = str(convert(tex.strip(), display="block" if display else "inline"))
    except Exception as exc:  # latex2mathml raises many types for bad input
        reason = str(exc) or "a brace, bracket or command is incomplete"
        raise ValueError(
            f"cannot convert the math `{tex.strip()}` to MathML ({type(exc).__name__}: {reason});"
            " check its braces and commands, or write `\\$` for a literal dollar sign"
        ) from None
    if len(_converted) >= MEMO_SIZE:
        del _converted[next(iter(_converted))]  # the oldest
    _converted[(tex, display)] = mathml
    return mathml

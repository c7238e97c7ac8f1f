"""TeX turned into MathML (by latex2mathml, loaded only when some math is new), with the
conversions remembered: each body's are kept beside it in the build cache and taken back
before it is rendered again, so an edited lesson whose math did not change renders without
loading the converter (a tenth of a second at start)."""

from __future__ import annotations

#: One conversion: the TeX, whether it is display math, and the MathML made of it.
Conversion = tuple[str, bool, str]

#: MathML made so far, by (TeX, display).
_converted: dict[tuple[str, bool], str] = {}
#: How many conversions the memo keeps.
MEMO_SIZE = 4096
#: The conversions asked for since `start_body`, in order.
_used: dict[tuple[str, bool], str] = {}


def remember_mathml(known: tuple[Conversion, ...]) -> None:
    """Take conversions made by an earlier process (a body's, from the build cache)."""
    for item in known:
        if isinstance(item, tuple) and len(item) == 3:
            tex, display, mathml = item
            fits = isinstance(tex, str) and isinstance(display, bool) and isinstance(mathml, str)
            if fits and (tex, display) not in _converted:
                _keep((tex, display), mathml)


def start_body() -> None:
    """Start noting the conversions one body asks for."""
    _used.clear()


def body_conversions() -> tuple[Conversion, ...]:
    """The conversions asked for since `start_body`, for the build cache to keep."""
    return tuple((tex, display, mathml) for (tex, display), mathml in _used.items())


def tex_to_mathml(tex: str, *, display: bool) -> str:
    """MathML for `tex`; raises ValueError with a readable reason when it cannot be converted."""
    found = _converted.get((tex, display))
    if found is not None:
        _used[(tex, display)] = found
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
    _keep((tex, display), mathml)
    _used[(tex, display)] = mathml
    return mathml


def _keep(key: tuple[str, bool], mathml: str) -> None:
    if len(_converted) >= MEMO_SIZE:
        del _converted[next(iter(_converted))]  # the oldest
    _converted[key] = mathml

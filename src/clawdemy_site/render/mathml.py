"""TeX turned into MathML (by latex2mathml, loaded only when some math is new), with the
conversions remembered (`memo.BodyMemo`): an edited lesson whose math did not change renders
without loading the converter (a tenth of a second at start)."""

from __future__ import annotations

from clawdemy_site.render.memo import BodyMemo


def _fits(key: object) -> bool:
    return (
        isinstance(key, tuple)
        and len(key) == 2
        and isinstance(key[0], str)
        and isinstance(key[1], bool)
    )


#: MathML made so far, by (TeX, display or not).
MEMO: BodyMemo[tuple[str, bool]] = BodyMemo(4096, _fits)


def tex_to_mathml(tex: str, *, display: bool) -> str:
    """MathML for `tex`; raises ValueError with a readable reason when it cannot be converted."""
    found = MEMO.get((tex, display))
    if found is not None:
        return found
    if not tex.strip():
        raise ValueError(
            "the math between `$$` and `$$` is empty: write TeX between them, or `\\$` for"
            " a literal dollar sign"
        )
    from latex2mathml.converter import convert  # only when some math is new

    try:
        mathml = str(convert(tex.strip(), display="block" if display else "inline"))
    except Exception as exc:  # latex2mathml raises many types for bad input
        reason = str(exc) or "a brace, bracket or command is incomplete"
        raise ValueError(
            f"cannot convert the math `{tex.strip()}` to MathML ({type(exc).__name__}: {reason});"
            " check its braces and commands, or write `\\$` for a literal dollar sign"
        ) from None
    MEMO.keep((tex, display), mathml)
    return mathml

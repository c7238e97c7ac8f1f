"""`$...$` and `$$...$$` in Markdown, turned into MathML at build time (no JavaScript)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from dataclasses import dataclass

from markdown import Markdown
from markdown.extensions import Extension
from markdown.inlinepatterns import InlineProcessor

from clawdemy_site.errors import Severity
from clawdemy_site.render.mathml import tex_to_mathml

# `$$ ... $$`, possibly over several lines of one paragraph.
DISPLAY_MATH = r"(?<!\\)\$\$(?P<tex>.+?)(?<!\\)\$\$"
# `$x$`: no space inside either dollar, and no digit right after the closing one,
# so "costs $5 and $10" stays text.
INLINE_MATH = r"(?<![\\$])\$(?![\s$])(?P<tex>[^$\n]+?)(?<![\s\\])\$(?!\d)"
#: A command latex2mathml did not know, which it copies into the MathML as written.
_UNKNOWN_COMMAND = re.compile(r">(\\[A-Za-z]+)<")


@dataclass(frozen=True)
class MathProblem:
    """Math that could not be rendered (an error) or was rendered oddly (a warning)."""

    #: The TeX, or the whole math as written when it holds none (`$$ $$`): what places
    #: the report in the body.
    tex: str
    message: str
    severity: Severity


def unknown_commands(mathml: str) -> list[str]:
    """TeX commands (`\\foo`) left as text in `mathml`, each once, in order."""
    return list(dict.fromkeys(_UNKNOWN_COMMAND.findall(mathml)))


class _MathProcessor(InlineProcessor):
    def __init__(
        self, pattern: str, md: Markdown, *, display: bool, problems: list[MathProblem]
    ) -> None:
        super().__init__(pattern, md)
        self.compiled_re = re.compile(pattern, re.DOTALL | re.UNICODE)
        self._display = display
        self._problems = problems

    def handleMatch(  # type: ignore[override]
        self, m: re.Match[str], data: str
    ) -> tuple[str | etree.Element, int, int]:
        tex = m["tex"].strip()
        try:
            html = tex_to_mathml(m["tex"], display=self._display)
        except ValueError as exc:
            self._problems.append(MathProblem(tex or m.group(0), str(exc), "error"))
            code = etree.Element("code")
            code.text = m.group(0)
            return code, m.start(0), m.end(0)
        for command in unknown_commands(html):
            self._problems.append(
                MathProblem(
                    tex,
                    f"the math `{tex}` uses `{command}`, which is not a TeX command that"
                    " clawdemy knows: it is shown as the text `" + command + "`; check its"
                    " spelling",
                    "warning",
                )
            )
        return self.md.htmlStash.store(html), m.start(0), m.end(0)


class MathExtension(Extension):
    """Registers the two math patterns; conversion problems are appended to `problems`."""

    def __init__(self, problems: list[MathProblem]) -> None:
        super().__init__()
        self.problems = problems

    def extendMarkdown(self, md: Markdown) -> None:
        md.ESCAPED_CHARS.append("$")
        # After code spans (190), before backslash escapes (180) and emphasis.
        md.inlinePatterns.register(
            _MathProcessor(DISPLAY_MATH, md, display=True, problems=self.problems),
            "math-display",
            187,
        )
        md.inlinePatterns.register(
            _MathProcessor(INLINE_MATH, md, display=False, problems=self.problems),
            "math-inline",
            186,
        )

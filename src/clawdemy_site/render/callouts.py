"""Callout blocks in a lesson body: `exercise`, `solution`, `hint`, `note`, `warning`.

A block opens with a line of three or more colons, the kind and an optional
title, and closes with a line of colons alone; everything between is Markdown,
other blocks included:

    ::: exercise Count the weights
    How many weights join a layer of 16 neurons to one of 10?

    ::: solution
    16 × 10 = 160.
    :::
    :::

`solution` and `hint` render collapsed, as `<details>` with a `<summary>`;
`exercise` as a `<section>` headed by an `<h3>`, with an id a page can link to;
`note` and `warning` as an `<aside>` labelled by its visible title. Fence lines
start at the left margin; inside fenced code they are just text.

The extension also carries the figure rules of `render/figures.py`, so a lesson
body gets both from one entry in the Markdown extension list.
"""

from __future__ import annotations

import difflib
import re
import xml.etree.ElementTree as etree
from dataclasses import dataclass, field, fields

from markdown import Markdown
from markdown.blockprocessors import BlockProcessor
from markdown.extensions import Extension
from markdown.extensions.toc import slugify
from markdown.preprocessors import Preprocessor

from clawdemy_site.errors import Diagnostic
from clawdemy_site.render.body import exercise_label
from clawdemy_site.render.figures import FigureProcessor

#: The kinds of callout, in the order the contract lists them.
CALLOUT_KINDS: tuple[str, ...] = ("exercise", "solution", "hint", "note", "warning")
#: Kinds shown collapsed, to be opened by the reader.
COLLAPSED = frozenset({"solution", "hint"})

_FENCE = re.compile(r"^(?P<colons>:{3,})[ \t]*(?P<kind>[^\s:]+)?[ \t]*(?P<title>.*?)[ \t]*$")
_CODE_FENCE = re.compile(r"^ {0,3}(?P<fence>`{3,}|~{3,})")


@dataclass(frozen=True)
class Fence:
    """One fence line outside fenced code: an opening (with a kind) or a closing (without)."""

    index: int  # 0-based line of the body
    kind: str | None
    title: str
    kind_column: int  # 1-based column of the kind, for messages


def parse_fence(line: str) -> Fence | None:
    """The fence on `line` (index 0), or None when the line is not a fence."""
    found = _FENCE.match(line)
    if found is None:
        return None
    kind = found["kind"]
    return Fence(0, kind, found["title"] if kind else "", found.start("kind") + 1 if kind else 1)


def find_fences(lines: list[str]) -> list[Fence]:
    """Every callout fence line of a body, skipping those inside fenced code."""
    fences: list[Fence] = []
    code: str | None = None
    for index, line in enumerate(lines):
        code_fence = _CODE_FENCE.match(line)
        if code is not None:
            if (
                code_fence
                and code_fence["fence"][0] == code[0]
                and len(code_fence["fence"]) >= len(code)
            ):
                code = None
            continue
        if code_fence:
            code = code_fence["fence"]
            continue
        fence = parse_fence(line)
        if fence is not None:
            fences.append(Fence(index, fence.kind, fence.title, fence.kind_column))
    return fences


@dataclass
class ExerciseIds:
    """Hands out exercise ids in document order: `exercise-<title slug>`, or
    `exercise-<n>` for an untitled one; a repeated id gets `-2`, `-3`, ..."""

    used: set[str] = field(default_factory=set)
    count: int = 0

    def next(self, title: str) -> tuple[int, str]:
        self.count += 1
        slug = str(slugify(title, "-")) if title else ""
        base = f"exercise-{slug or self.count}"
        candidate, n = base, 1
        while candidate in self.used:
            n += 1
            candidate = f"{base}-{n}"
        self.used.add(candidate)
        return self.count, candidate


@dataclass(frozen=True)
class Exercise:
    """An exercise of a lesson, as a page listing exercises needs it."""

    number: int
    id: str
    title: str
    #: Line of the lesson file where the exercise opens.
    line: int

    @property
    def label(self) -> str:
        return exercise_label(self.number, self.title)


def exercises_in(body: str, *, body_line: int = 1) -> tuple[Exercise, ...]:
    """The exercises of a lesson body, with the ids its rendered page gives them."""
    ids = ExerciseIds()
    found: list[Exercise] = []
    for fence in find_fences(body.split("\n")):
        if fence.kind == "exercise":
            number, ident = ids.next(fence.title)
            found.append(Exercise(number, ident, fence.title, body_line + fence.index))
    return tuple(found)


def check_fences(fences: list[Fence]) -> list[tuple[Fence, str]]:
    """Problems with a body's fences: unknown kinds, closings with nothing open, and
    openings never closed (each with the fence it is about)."""
    problems: list[tuple[Fence, str]] = []
    open_fences: list[Fence] = []
    for fence in fences:
        if fence.kind is None:
            if open_fences:
                open_fences.pop()
            else:
                problems.append(
                    (
                        fence,
                        "this `:::` line closes no callout block: open one first"
                        f" with `::: <kind>` ({', '.join(CALLOUT_KINDS)})",
                    )
                )
            continue
        if fence.kind not in CALLOUT_KINDS:
            close = difflib.get_close_matches(fence.kind.lower(), CALLOUT_KINDS, n=1, cutoff=0.6)
            hint = f"; did you mean `{close[0]}`?" if close else ""
            problems.append(
                (
                    fence,
                    f"unknown callout block `{fence.kind}`{hint}"
                    f" (one of: {', '.join(CALLOUT_KINDS)})",
                )
            )
        open_fences.append(fence)
    for fence in open_fences:
        if fence.kind not in CALLOUT_KINDS:
            continue  # reported above as unknown; one message for one typo
        problems.append(
            (
                fence,
                f"the `{fence.kind}` block opened here is never closed:"
                " end it with a line of `:::`",
            )
        )
    return sorted(problems, key=lambda item: item[0].index)


@dataclass
class _State:
    """What one conversion shares between the extension's processors."""

    path: str
    body_line: int
    problems: list[Diagnostic]
    lines: list[str] = field(default_factory=list)
    ids: ExerciseIds = field(default_factory=ExerciseIds)
    labels: dict[str, int] = field(default_factory=dict)

    def report(self, index: int, column: int, message: str, *, warning: bool = False) -> None:
        self.problems.append(
            Diagnostic(
                self.path,
                self.body_line + index,
                column,
                "warning" if warning else "error",
                message,
            )
        )


class _FencePreprocessor(Preprocessor):
    """Checks the fences against the body as written, then puts each fence line in a
    block of its own (blank lines around it) for the block processor."""

    def __init__(self, md: Markdown, state: _State) -> None:
        super().__init__(md)
        self.state = state

    def run(self, lines: list[str]) -> list[str]:
        state = self.state
        state.lines = list(lines)
        state.ids = ExerciseIds()
        state.labels = {}
        fences = find_fences(lines)
        for fence, message in check_fences(fences):
            state.report(fence.index, fence.kind_column, message)
        at = {fence.index for fence in fences}
        out: list[str] = []
        for index, line in enumerate(lines):
            if index in at:
                out.extend(("", line.strip(), ""))
            else:
                out.append(line)
        return out


def _fence_block(block: str) -> Fence | None:
    """The fence a block consists of: one line at the left margin (the preprocessor gave
    each fence its own block; an indented one is code or list content)."""
    line = block.strip("\n")
    if "\n" in line or line[:1].isspace():
        return None
    return parse_fence(line.rstrip())


class _CalloutProcessor(BlockProcessor):
    def __init__(self, md: Markdown, state: _State) -> None:
        super().__init__(md.parser)
        self.state = state

    def test(self, parent: etree.Element, block: str) -> bool:
        fence = _fence_block(block)
        return fence is not None and fence.kind in CALLOUT_KINDS

    def run(self, parent: etree.Element, blocks: list[str]) -> None:
        fence = _fence_block(blocks.pop(0))
        assert fence is not None and fence.kind is not None
        inner: list[str] = []
        depth = 0
        while blocks:
            block = blocks.pop(0)
            inside = _fence_block(block)
            if inside is not None and inside.kind is None:
                if depth == 0:
                    break
                depth -= 1
            elif inside is not None:
                depth += 1
            inner.append(block)
        container = self._element(parent, fence.kind, fence.title)
        self.parser.parseBlocks(container, inner)

    def _element(self, parent: etree.Element, kind: str, title: str) -> etree.Element:
        if kind == "exercise":
            number, ident = self.state.ids.next(title)
            section = etree.SubElement(
                parent,
                "section",
                {"class": "callout exercise", "id": ident, "aria-labelledby": f"{ident}-title"},
            )
            heading = etree.SubElement(
                section, "h3", {"class": "callout-title", "id": f"{ident}-title"}
            )
            heading.text = exercise_label(number, title)
            return section
        name = kind.capitalize()
        label = f"{name}: {title}" if title else name
        if kind in COLLAPSED:
            details = etree.SubElement(parent, "details", {"class": f"callout {kind}"})
            summary = etree.SubElement(details, "summary")
            summary.text = label
            return details
        n = self.state.labels[kind] = self.state.labels.get(kind, 0) + 1
        ident = f"{kind}-{n}-title"
        aside = etree.SubElement(
            parent, "aside", {"class": f"callout {kind}", "aria-labelledby": ident}
        )
        heading = etree.SubElement(aside, "p", {"class": "callout-title", "id": ident})
        heading.text = label
        return aside


class CalloutExtension(Extension):
    """Callout blocks and figures for one lesson body; problems go to `problems`, placed
    at lines of the file whose body starts on `body_line`."""

    def __init__(self, path: str, body_line: int, problems: list[Diagnostic]) -> None:
        super().__init__()
        self.state = _State(path, body_line, problems)

    def begin(self, path: str, body_line: int, problems: list[Diagnostic]) -> None:
        """Start on another body with the same Markdown instance (its processors share
        `state`, so it is renewed in place)."""
        fresh = _State(path, body_line, problems)
        for each in fields(fresh):
            setattr(self.state, each.name, getattr(fresh, each.name))

    def extendMarkdown(self, md: Markdown) -> None:
        # Before fenced code (25) replaces code blocks, so the body is seen as written.
        md.preprocessors.register(_FencePreprocessor(md, self.state), "clawdemy-callouts", 27)
        md.parser.blockprocessors.register(
            _CalloutProcessor(md, self.state), "clawdemy-callouts", 105
        )
        # After inline patterns (20) made the images, before links are rewritten (8).
        md.treeprocessors.register(FigureProcessor(md, self._warn_image), "clawdemy-figures", 15)

    def _warn_image(self, written: str, occurrence: int, message: str) -> None:
        index, column = _image_place(self.state.lines, written, occurrence)
        self.state.report(index, column, message, warning=True)


def _image_place(lines: list[str], src: str, occurrence: int) -> tuple[int, int]:
    """Line index and column (of its address) of the `occurrence`-th (0-based) image written
    with `src`: as `![alt](src`, else any mention of `src` (a reference definition); the
    body's first line when not found."""
    patterns = (
        re.compile(r"!\[[^\]]*\]\(\s*<?(?P<src>" + re.escape(src) + ")"),
        re.compile("(?P<src>" + re.escape(src) + ")"),
    )
    for pattern in patterns:
        places = [
            (index, found.start("src") + 1)
            for index, line in enumerate(lines)
            for found in pattern.finditer(line)
        ]
        if places:
            return places[min(occurrence, len(places) - 1)]
    return 0, 1

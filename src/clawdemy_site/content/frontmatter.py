"""Split a lesson file into YAML front matter and a Markdown body. Pure: text in, parts out."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SplitFile:
    """The parts of a lesson file, with the line numbers where each starts (1-based)."""

    front_matter: str
    #: Line of the file where the front matter's first line stands.
    front_matter_line: int
    body: str
    #: Line of the file where the body's first line stands.
    body_line: int


class FrontMatterError(ValueError):
    """The file has no well-formed front matter; carries the 1-based line to blame."""

    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


def _is_fence(line: str) -> bool:
    return line.rstrip(" \t\r\n") == "---"


def split_front_matter(text: str) -> SplitFile:
    """Split `---\\n<yaml>\\n---\\n<body>`. A byte-order mark is dropped, and CRLF (or CR)
    line ends become `\\n`, so that nothing read from the parts keeps a stray `\\r`."""
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    lines = text.splitlines(keepends=True)
    if not lines or not _is_fence(lines[0]):
        raise FrontMatterError(
            "a lesson must start with front matter: a line `---`, YAML, then a line `---`", 1
        )
    for index in range(1, len(lines)):
        if _is_fence(lines[index]):
            return SplitFile(
                front_matter="".join(lines[1:index]),
                front_matter_line=2,
                body="".join(lines[index + 1 :]),
                body_line=index + 2,
            )
    raise FrontMatterError(
        "the front matter is not closed: add a line `---` after the YAML", len(lines)
    )

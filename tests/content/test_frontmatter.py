"""split_front_matter: text in, (front matter, body, their first lines) out."""

from __future__ import annotations

import pytest

from clawdemy_site.content.frontmatter import FrontMatterError, SplitFile, split_front_matter

OPEN_MESSAGE = "a lesson must start with front matter: a line `---`, YAML, then a line `---`"
UNCLOSED_MESSAGE = "the front matter is not closed: add a line `---` after the YAML"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "---\ntitle: A\n---\nBody.\n",
            SplitFile("title: A\n", 2, "Body.\n", 4),
            id="ok",
        ),
        pytest.param(
            "---\r\ntitle: A\r\nlesson: 1\r\n---\r\nBody.\r\n",
            SplitFile("title: A\nlesson: 1\n", 2, "Body.\n", 5),
            id="crlf",
        ),
        pytest.param(
            "---\rtitle: A\r---\rBody.\r\rMore.\r",
            SplitFile("title: A\n", 2, "Body.\n\nMore.\n", 4),
            id="cr",
        ),
        pytest.param(
            "\ufeff---\ntitle: A\n---\nBody.\n",
            SplitFile("title: A\n", 2, "Body.\n", 4),
            id="byte-order-mark",
        ),
        pytest.param(
            "---\n---\nBody.\n",
            SplitFile("", 2, "Body.\n", 3),
            id="empty-front-matter",
        ),
        pytest.param(
            "---  \ntitle: A\n--- \t\nBody.\n",
            SplitFile("title: A\n", 2, "Body.\n", 4),
            id="fences-with-trailing-blanks",
        ),
        pytest.param(
            "---\ntitle: A\n---\n",
            SplitFile("title: A\n", 2, "", 4),
            id="no-body",
        ),
        pytest.param(
            "---\na: 1\nb: 2\nc: 3\n---\n\n## Heading\n\nText with --- inside.\n---\n",
            SplitFile("a: 1\nb: 2\nc: 3\n", 2, "\n## Heading\n\nText with --- inside.\n---\n", 6),
            id="later-fences-stay-in-body",
        ),
    ],
)
def test_split(text: str, expected: SplitFile) -> None:
    assert split_front_matter(text) == expected


@pytest.mark.parametrize(
    ("text", "message", "line"),
    [
        pytest.param("title: A\n---\nBody\n", OPEN_MESSAGE, 1, id="missing-opening-fence"),
        pytest.param("", OPEN_MESSAGE, 1, id="empty-file"),
        pytest.param("\n---\ntitle: A\n---\n", OPEN_MESSAGE, 1, id="blank-line-before-fence"),
        pytest.param("----\ntitle: A\n----\n", OPEN_MESSAGE, 1, id="four-dashes"),
        pytest.param("---\ntitle: A\nlesson: 1\n", UNCLOSED_MESSAGE, 3, id="unclosed"),
        pytest.param("---\n", UNCLOSED_MESSAGE, 1, id="only-opening-fence"),
    ],
)
def test_refused(text: str, message: str, line: int) -> None:
    with pytest.raises(FrontMatterError) as caught:
        split_front_matter(text)
    assert (caught.value.message, caught.value.line) == (message, line)


def test_body_line_is_the_file_line_of_the_first_body_line() -> None:
    text = "---\ntitle: A\nlesson: 1\nsummary: S\n---\nfirst body line\nsecond\n"
    parts = split_front_matter(text)
    file_lines = text.splitlines()
    assert file_lines[parts.body_line - 1] == "first body line"
    assert file_lines[parts.front_matter_line - 1] == "title: A"

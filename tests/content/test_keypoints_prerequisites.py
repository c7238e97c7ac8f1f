"""`keypoints` and `prerequisites` in a lesson's front matter: parsed values, exact problems."""

from __future__ import annotations

from pathlib import Path

import pytest
from clawdemy_testkit import lesson_text, write_site

from clawdemy_site.content.documents import parse_lesson
from clawdemy_site.content.fields import Problems
from clawdemy_site.content.load import load_site
from clawdemy_site.content.models import Lesson

LESSON = "content/t/02-two.md"


def parse(extra: str) -> tuple[Lesson | None, list[str]]:
    problems = Problems("x.md")
    lesson = parse_lesson(
        lesson_text(2, extra), path="x.md", track="t", stem="02-two", problems=problems
    )
    return lesson, [d.format() for d in problems.items]


def test_keypoints_and_prerequisites_are_read() -> None:
    lesson, problems = parse(
        "keypoints:\n  - A neuron holds a number.\n  - Layers pass numbers on.\n"
        "prerequisites:\n  - 1\n  - other/3\n"
    )
    assert problems == []
    assert lesson is not None
    assert lesson.keypoints == ("A neuron holds a number.", "Layers pass numbers on.")
    refs = lesson.prerequisites
    assert [(r.track, r.number, r.pos.line, r.pos.column) for r in refs] == [
        ("t", 1, 9, 5),
        ("other", 3, 10, 5),
    ]


@pytest.mark.parametrize("extra", ["", "keypoints:\nprerequisites:\n"], ids=["absent", "empty"])
def test_absent_or_empty_keys_are_nothing(extra: str) -> None:
    lesson, problems = parse(extra)
    assert problems == []
    assert lesson is not None
    assert (lesson.keypoints, lesson.prerequisites) == ((), ())


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        pytest.param(
            "keypoints: Remember this.\n",
            ["x.md:5:12: error: `keypoints` must be a list of text, not text"],
            id="keypoints-not-a-list",
        ),
        pytest.param(
            "keypoints:\n  - [a, b]\n",
            ["x.md:6:5: error: each item of `keypoints` must be text, not a list"],
            id="keypoint-not-text",
        ),
        pytest.param(
            "prerequisites: 1\n",
            [
                "x.md:5:16: error: `prerequisites` must be a list of lessons (`- 3` or"
                " `- t/3`), not the number 1"
            ],
            id="prerequisites-not-a-list",
        ),
        pytest.param(
            "prerequisites:\n  - one\n",
            [
                "x.md:6:5: error: each item of `prerequisites` must be a lesson number in this"
                " track (`3`) or `<track-slug>/<number>` (`t/3`), not text `one`"
            ],
            id="prerequisite-in-words",
        ),
        pytest.param(
            "prerequsites:\n  - 1\n",
            [
                "x.md:5:1: error: unknown key `prerequsites` in the front matter;"
                " did you mean `prerequisites`?"
            ],
            id="misspelt-key",
        ),
    ],
)
def test_parse_problems(extra: str, expected: list[str]) -> None:
    assert parse(extra)[1] == expected


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        pytest.param(
            {"t/02-two.md": lesson_text(2, "prerequisites:\n  - 1\n")},
            [],
            id="existing-lesson",
        ),
        pytest.param(
            {"t/02-two.md": lesson_text(2, "prerequisites:\n  - 7\n")},
            [
                f"{LESSON}:6:5: error: `prerequisites` names lesson 7 of track `t`, which does not exist"
            ],
            id="missing-lesson",
        ),
        pytest.param(
            {"t/02-two.md": lesson_text(2, "prerequisites:\n  - nowhere/1\n")},
            [f"{LESSON}:6:5: error: `prerequisites` names track `nowhere`, which does not exist"],
            id="missing-track",
        ),
        pytest.param(
            {
                "t/02-two.md": lesson_text(2, "prerequisites:\n  - 3\n"),
                "t/03-draft.md": lesson_text(3, "draft: true\n"),
            },
            [
                f"{LESSON}:6:5: error: `prerequisites` names lesson 3 (content/t/03-draft.md),"
                " a draft: drafts are published only with --drafts"
            ],
            id="draft",
        ),
        pytest.param(
            {"t/02-two.md": lesson_text(2, "prerequisites:\n  - 2\n")},
            [f"{LESSON}:6:5: warning: `prerequisites` names lesson 2, this lesson itself"],
            id="itself",
        ),
    ],
)
def test_prerequisites_are_checked_across_files(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    files: dict[str, str | bytes | None],
    expected: list[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    write_site(tmp_path, files)
    assert [d.format() for d in load_site(Path("content")).diagnostics] == expected

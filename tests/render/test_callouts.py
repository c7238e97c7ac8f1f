"""Callout blocks and figures in a lesson body: the exact HTML, the exact problems."""

from __future__ import annotations

import pytest

from clawdemy_site.render.callouts import Exercise, exercises_in
from tests.render.test_markdown import PATH, messages, render


def test_exercise_with_nested_hint_and_solution() -> None:
    rendered = render(
        "::: exercise Count the weights\n"
        "How many **weights** join 16 neurons to 10?\n"
        "\n"
        "::: hint\n"
        "One weight per *pair*.\n"
        ":::\n"
        "\n"
        "::: solution\n"
        "- 16 × 10 = 160\n"
        ":::\n"
        ":::\n"
    )
    assert messages(rendered) == []
    assert rendered.html == (
        '<section aria-labelledby="exercise-count-the-weights-title" class="callout exercise"'
        ' id="exercise-count-the-weights">\n'
        '<h3 class="callout-title" id="exercise-count-the-weights-title">'
        "Exercise 1: Count the weights</h3>\n"
        "<p>How many <strong>weights</strong> join 16 neurons to 10?</p>\n"
        '<details class="callout hint">\n'
        "<summary>Hint</summary>\n"
        "<p>One weight per <em>pair</em>.</p>\n"
        "</details>\n"
        '<details class="callout solution">\n'
        "<summary>Solution</summary>\n"
        "<ul>\n<li>16 × 10 = 160</li>\n</ul>\n"
        "</details>\n"
        "</section>"
    )


@pytest.mark.parametrize(
    ("kind", "title", "label"),
    [
        pytest.param("note", "", "Note", id="note"),
        pytest.param("warning", "Not a probability", "Warning: Not a probability", id="warning"),
    ],
)
def test_note_and_warning_are_labelled_asides(kind: str, title: str, label: str) -> None:
    rendered = render(f"::: {kind} {title}\nSome `code`.\n:::\n")
    assert messages(rendered) == []
    assert rendered.html == (
        f'<aside aria-labelledby="{kind}-1-title" class="callout {kind}">\n'
        f'<p class="callout-title" id="{kind}-1-title">{label}</p>\n'
        "<p>Some <code>code</code>.</p>\n"
        "</aside>"
    )


def test_hint_title_goes_in_the_summary() -> None:
    assert render("::: hint Where to start\nText.\n:::\n").html == (
        '<details class="callout hint">\n<summary>Hint: Where to start</summary>\n'
        "<p>Text.</p>\n</details>"
    )


def test_fences_need_no_blank_lines_around_them() -> None:
    html = render("Before.\n::: note\nInside.\n:::\nAfter.\n").html
    assert html == (
        "<p>Before.</p>\n"
        '<aside aria-labelledby="note-1-title" class="callout note">\n'
        '<p class="callout-title" id="note-1-title">Note</p>\n'
        "<p>Inside.</p>\n</aside>\n"
        "<p>After.</p>"
    )


def test_fence_inside_fenced_code_is_text() -> None:
    rendered = render("```text\n::: exercise\n```\n")
    assert messages(rendered) == []
    assert "<section" not in rendered.html
    assert "::: exercise" in rendered.html


def test_exercise_ids_are_stable_and_unique() -> None:
    body = "::: exercise\nA\n:::\n\n::: exercise Same\nB\n:::\n\n::: exercise Same\nC\n:::\n"
    html = render(body).html
    assert 'id="exercise-1"' in html
    assert 'id="exercise-same"' in html
    assert 'id="exercise-same-2"' in html
    assert ">Exercise 3: Same</h3>" in html


def test_exercises_in_lists_what_the_page_renders() -> None:
    body = "Intro.\n\n::: exercise Sum it\nA\n::: solution\nB\n:::\n:::\n\n::: exercise\nC\n:::\n"
    assert exercises_in(body, body_line=10) == (
        Exercise(1, "exercise-sum-it", "Sum it", 12),
        Exercise(2, "exercise-2", "", 19),
    )
    assert [e.label for e in exercises_in(body)] == ["Exercise 1: Sum it", "Exercise 2"]
    html = render(body).html
    assert 'id="exercise-sum-it"' in html and 'id="exercise-2"' in html


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        pytest.param(
            "Text.\n\n::: exercize\nA\n:::\n",
            [
                f"{PATH}:12:5: error: unknown callout block `exercize`; did you mean"
                " `exercise`? (one of: exercise, solution, hint, note, warning)"
            ],
            id="unknown-kind",
        ),
        pytest.param(
            "::: exercise\nA\n",
            [
                f"{PATH}:10:5: error: the `exercise` block opened here is never closed:"
                " end it with a line of `:::`"
            ],
            id="unclosed",
        ),
        pytest.param(
            "::: exercise\n::: solution\nA\n:::\n",
            [
                f"{PATH}:10:5: error: the `exercise` block opened here is never closed:"
                " end it with a line of `:::`"
            ],
            id="unclosed-outer",
        ),
        pytest.param(
            "A\n\n:::\n",
            [
                f"{PATH}:12:1: error: this `:::` line closes no callout block: open one first"
                " with `::: <kind>` (exercise, solution, hint, note, warning)"
            ],
            id="stray-close",
        ),
    ],
)
def test_fence_problems(body: str, expected: list[str]) -> None:
    assert messages(render(body)) == expected


def test_titled_image_alone_is_a_figure() -> None:
    rendered = render('![A curve](images/seven.png "The sigmoid, from 0 to 1")\n')
    assert messages(rendered) == []
    assert rendered.html == (
        '<figure><img alt="A curve" loading="lazy" src="../images/seven.png">'
        "<figcaption>The sigmoid, from 0 to 1</figcaption>\n</figure>"
    )


@pytest.mark.parametrize(
    "body",
    [
        pytest.param("![A curve](images/seven.png)\n", id="no-title"),
        pytest.param('See ![A curve](images/seven.png "Caption") here.\n', id="not-alone"),
    ],
)
def test_other_images_stay_images(body: str) -> None:
    html = render(body).html
    assert html.startswith("<p>")
    assert "<figure>" not in html


def test_figure_inside_a_callout() -> None:
    html = render('::: note\n![A curve](images/seven.png "Caption")\n:::\n').html
    assert "<figure><img" in html and "<figcaption>Caption</figcaption>" in html


def test_image_without_alt_is_a_warning_at_its_line() -> None:
    rendered = render(
        "![One](images/seven.png)\n\nText ![](images/seven.png) and ![ ](../u/x.png).\n"
    )
    assert messages(rendered)[:2] == [
        f"{PATH}:12:10: warning: image `images/seven.png` has no alt text: say what it shows"
        " between the brackets, `![what it shows](images/seven.png)`, for readers who cannot"
        " see it",
        f"{PATH}:12:37: warning: image `../u/x.png` has no alt text: say what it shows"
        " between the brackets, `![what it shows](../u/x.png)`, for readers who cannot"
        " see it",
    ]


def test_image_warning_skips_links_and_earlier_images_to_the_same_file() -> None:
    rendered = render(
        "See [the dots](images/seven.png).\n\n![Dots](images/seven.png)\n\n"
        "And again: ![](images/seven.png)\n"
    )
    assert messages(rendered) == [
        f"{PATH}:14:16: warning: image `images/seven.png` has no alt text: say what it shows"
        " between the brackets, `![what it shows](images/seven.png)`, for readers who cannot"
        " see it"
    ]


def test_unknown_kind_never_closed_is_one_error() -> None:
    assert messages(render("::: exercize\nText.\n")) == [
        f"{PATH}:10:5: error: unknown callout block `exercize`; did you mean `exercise`?"
        " (one of: exercise, solution, hint, note, warning)"
    ]


def test_indented_fence_is_code_not_a_callout() -> None:
    rendered = render("Text.\n\n    ::: note\n\nMore.\n")
    assert messages(rendered) == []
    assert "<aside" not in rendered.html
    assert "<code>::: note\n</code></pre>" in rendered.html

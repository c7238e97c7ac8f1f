"""Checks across files: numbering within a track, and `lesson` entries and `prerequisites`
that name other lessons."""

from __future__ import annotations

from collections.abc import Sequence, Set

from clawdemy_site.content.fields import suggest
from clawdemy_site.content.models import Lesson, Track
from clawdemy_site.errors import Diagnostic


def check_numbering(lessons: Sequence[Lesson]) -> list[Diagnostic]:
    """Two lessons of one track with the same number."""
    problems: list[Diagnostic] = []
    first: dict[tuple[str, int], Lesson] = {}
    for lesson in sorted(lessons, key=lambda item: item.path):
        key = (lesson.track, lesson.number)
        if key in first:
            problems.append(
                Diagnostic(
                    lesson.path,
                    lesson.number_pos.line,
                    lesson.number_pos.column,
                    "error",
                    f"lesson {lesson.number} of track `{lesson.track}` is also"
                    f" {first[key].path}: give each lesson its own number",
                )
            )
        else:
            first[key] = lesson
    return problems


def check_lesson_refs(
    lessons: Sequence[Lesson], *, drafts: bool, files: Set[tuple[str, int]] = frozenset()
) -> list[Diagnostic]:
    """Every `lesson` entry and every item of `prerequisites` names an existing lesson,
    published in this build.

    `files` holds (track, number) of every lesson file, including those that
    failed to parse: naming one of them is not a further error.
    """
    by_key = {(lesson.track, lesson.number): lesson for lesson in lessons}
    tracks = {lesson.track for lesson in lessons} | {track for track, _ in files}
    problems: list[Diagnostic] = []
    for lesson in lessons:
        if lesson.draft and not drafts:
            continue
        named = [("lesson", ref) for ref in lesson.leads_to]
        named += [("prerequisites", ref) for ref in lesson.prerequisites]
        for key, ref in named:
            target = by_key.get((ref.track, ref.number))
            if target is None and (ref.track, ref.number) in files:
                continue  # the file exists; its own errors are reported already
            message = None
            if target is lesson:
                what = "this `lesson` entry" if key == "lesson" else "`prerequisites`"
                problems.append(
                    Diagnostic(
                        lesson.path,
                        ref.pos.line,
                        ref.pos.column,
                        "warning",
                        f"{what} names lesson {ref.number}, this lesson itself",
                    )
                )
                continue
            if ref.track not in tracks:
                message = (
                    f"`{key}` names track `{ref.track}`, which does not exist"
                    + suggest(ref.track, sorted(tracks))
                )
            elif target is None:
                message = (
                    f"`{key}` names lesson {ref.number} of track `{ref.track}`,"
                    " which does not exist"
                )
            elif target.draft and not drafts:
                message = (
                    f"`{key}` names lesson {ref.number} ({target.path}), a draft:"
                    " drafts are published only with --drafts"
                )
            if message:
                problems.append(
                    Diagnostic(lesson.path, ref.pos.line, ref.pos.column, "error", message)
                )
    return problems


def check_tracks(tracks: Sequence[Track]) -> list[Diagnostic]:
    return [
        Diagnostic(track.path, 1, 1, "warning", f"track `{track.slug}` has no published lessons")
        for track in tracks
        if not track.lessons
    ]

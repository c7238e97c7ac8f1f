"""An incremental build is byte for byte a cold build of the same content.

Hypothesis draws sequences of edits (a body, a title, a reference, a lesson added or
removed, a track.yml, site.yml, a template, a static file). After each edit the site is built
incrementally (cache and output kept from the build before) and cold (new cache, new
output), and the two trees must be identical, the search index included (an edit changes
its files in place, search.py).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from clawdemy_testkit import TRACK_YML, lesson_text, write_tree
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clawdemy_site.build import BuildOptions, build_site
from clawdemy_site.engine import Engine, EngineOptions
from clawdemy_site.serve import ServedSite

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
SITE = "title: Test site\nbase_url: https://test.example/course/\nlanguage: en\n"


def _lesson(track: str, number: int, *, title: str, body: str, lead: int | None) -> str:
    refs = (
        "references:\n  - type: source\n    title: A source\n    creator: Someone\n"
        f"    url: https://source.example/{track}/{number}\n    license: CC-BY-4.0\n"
        "  - type: book\n    title: A book\n    url: https://book.example/\n    note: Read it.\n"
    )
    if lead is not None:
        refs += f"  - type: lesson\n    lesson: {lead}\n    note: Then this.\n"
    return lesson_text(number, refs, title=title, body=body)


def initial_files() -> dict[str, str | bytes | None]:
    files: dict[str, str | bytes | None] = {"content/site.yml": SITE}
    for track in ("a", "b"):
        files[f"content/{track}/track.yml"] = TRACK_YML.replace("Basics", f"Track {track}")
        for n in (1, 2, 3):
            following = n % 3 + 1
            body = (
                f"Intro of {track}{n}.\n\n## Part\n\nSee [it](0{following}-l{following}.md#part)."
            )
            files[f"content/{track}/0{n}-l{n}.md"] = _lesson(
                track, n, title=f"Lesson {track}{n}", body=body, lead=n % 3 + 1
            )
    files["content/a/images/dot.svg"] = "<svg xmlns='http://www.w3.org/2000/svg'/>\n"
    return files


EDITS = st.sampled_from(
    [
        "body",
        "title",
        "reference",
        "add-lesson",
        "remove-lesson",
        "track",
        "site",
        "template",
        "static",
        "asset",
        "nothing",
    ]
)


def apply(root: Path, edit: str, step: int) -> None:
    content = root / "content"
    if edit == "body":
        path = content / "a" / "02-l2.md"
        path.write_text(path.read_text() + f"\nA new paragraph {step}.\n")
    elif edit == "title":
        path = content / "b" / "01-l1.md"
        text = path.read_text()
        first = text.split("\n")[1]
        path.write_text(text.replace(first, f"title: Renamed {step}", 1))
    elif edit == "reference":
        path = content / "a" / "01-l1.md"
        path.write_text(path.read_text().replace("title: A book", f"title: A book, edition {step}"))
    elif edit == "add-lesson":
        path = content / "b" / "04-extra.md"
        body = f"Extra {step}. Back to [the first](01-l1.md)."
        path.write_text(_lesson("b", 4, title=f"Extra {step}", body=body, lead=1))
    elif edit == "remove-lesson":
        (content / "b" / "04-extra.md").unlink(missing_ok=True)
    elif edit == "track":
        (content / "a" / "track.yml").write_text(
            f"title: Track a, take {step}\nsummary: Changed {step}.\n"
        )
    elif edit == "site":  # every page shows the site's title, language and address
        (content / "site.yml").write_text(
            SITE.replace("Test site", f"Test site {step}")
            .replace("language: en", "language: de" if step % 2 else "language: en")
            .replace("/course/", f"/course{step}/")
        )
    elif edit == "template":
        path = root / "templates" / "base.html"
        path.write_text(path.read_text().replace("</footer>", f"<!-- {step} --></footer>", 1))
    elif edit == "static":
        path = root / "templates" / "static" / "site.css"
        path.write_text(path.read_text() + f"\n/* {step} */\n")
    elif edit == "asset":
        (content / "a" / "images" / "dot.svg").write_text(
            f"<svg xmlns='http://www.w3.org/2000/svg'><!-- {step} --></svg>\n"
        )


def tree(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def build(root: Path, out: Path, cache: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, bytes]:
    monkeypatch.setenv("CLAWDEMY_CACHE_DIR", str(cache))
    build_site(BuildOptions(root / "content", root / "templates", out))
    return tree(out)


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(edits=st.lists(EDITS, min_size=1, max_size=5))
def test_incremental_build_equals_cold_build(
    edits: list[str], tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path_factory.mktemp("site")
    write_tree(root, initial_files())
    shutil.copytree(TEMPLATES, root / "templates")
    out = root / "out"
    build(root, out, root / "cache", monkeypatch)
    for step, edit in enumerate(edits):
        apply(root, edit, step)
        incremental = build(root, out, root / "cache", monkeypatch)
        cold_out = root / f"cold-{step}"
        cold = build(root, cold_out, root / f"cold-cache-{step}", monkeypatch)
        assert incremental == cold, f"after {edits[: step + 1]}"


@settings(
    max_examples=10,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(edits=st.lists(EDITS, min_size=1, max_size=5))
def test_a_long_lived_engine_serves_what_a_cold_run_renders(
    edits: list[str], tmp_path_factory: pytest.TempPathFactory
) -> None:
    """`serve` keeps one engine (and what it remembers between runs: records, the plan, the
    made files) for every edit; each run must serve what a new engine would render."""
    root = tmp_path_factory.mktemp("served")
    write_tree(root, initial_files())
    shutil.copytree(TEMPLATES, root / "templates")
    options = EngineOptions(root / "content", root / "templates", parallel=False)
    engine = Engine(options)
    served = ServedSite()
    served.update(engine.run())
    for step, edit in enumerate(edits):
        apply(root, edit, step)
        served.update(engine.run())
        cold = Engine(options).run()
        assert cold.ok, cold.diagnostics
        assert served.files == {**cold.rendered, **cold.generated}, f"after {edits[: step + 1]}"
        assert served.copies == dict(cold.copies), f"after {edits[: step + 1]}"

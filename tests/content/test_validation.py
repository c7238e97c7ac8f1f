"""Content broken the ways authors break it -> the exact diagnostics they read.

Every case writes a small site under tmp_path (site.yml, track `t` with a good
lesson 1, then the broken files) and runs the loader from tmp_path, so paths
read `content/...` exactly as a user in the project folder sees them.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from clawdemy_testkit import SITE_YML, lesson_text, write_site
from click.testing import CliRunner

from clawdemy_site.cli import main
from clawdemy_site.content.documents import parse_lesson
from clawdemy_site.content.fields import Problems
from clawdemy_site.content.load import load_site
from clawdemy_site.errors import format_report

Files = dict[str, str | bytes | None]
Diagnose = Callable[..., list[str]]
TYPES = "source, video, book, article, paper, interactive, course, tool, lesson"
FURTHER_TYPES = "video, book, article, paper, interactive, course, tool"
LESSON = "content/t/02-broken.md"


def lesson2(extra: str) -> dict[str, str | bytes | None]:
    """Lesson 2 of track `t`; front matter lines: 2 title, 3 lesson, 4 summary, 5.. `extra`."""
    return {"t/02-broken.md": lesson_text(2, extra, title="Broken")}


def refs(entries: str) -> dict[str, str | bytes | None]:
    """Lesson 2 whose `references:` is line 5 and whose entries start on line 6."""
    return lesson2("references:\n" + entries)


SOURCE = (
    "  - type: source\n"  # line 6
    "    title: S\n"
    "    creator: C\n"
    "    url: https://source.example/\n"
    "    license: L\n"  # line 10
)


@pytest.fixture
def diagnose(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Diagnose:
    """diagnose(files, drafts=False) -> every diagnostic line, in the order a user reads them."""
    monkeypatch.chdir(tmp_path)

    def run(files: dict[str, str | bytes | None], *, drafts: bool = False) -> list[str]:
        write_site(tmp_path, files)
        result = load_site(Path("content"), drafts=drafts)
        if result.errors:
            assert result.site is None
        return [d.format() for d in result.diagnostics]

    return run


CASES = [
    # --- reference entries ----------------------------------------------------------------
    pytest.param(
        refs("  - type: vidoe\n    title: V\n    url: https://v.example/\n    note: N\n"),
        [
            f"{LESSON}:6:11: error: unknown reference type `vidoe`; did you mean `video`?"
            f" (one of: {TYPES})"
        ],
        id="unknown-type-did-you-mean",
    ),
    pytest.param(
        refs("  - type: podcast\n    title: V\n    url: https://v.example/\n"),
        [f"{LESSON}:6:11: error: unknown reference type `podcast` (one of: {TYPES})"],
        id="unknown-type-no-close-match",
    ),
    pytest.param(
        refs("  - type: video\n    title: V\n    uri: https://v.example/\n    note: N\n"),
        # Reported once, as a misspelling, not again as a missing `url`.
        [f"{LESSON}:8:5: error: unknown key `uri` in a `video` entry; did you mean `url`?"],
        id="unknown-key-did-you-mean-url",
    ),
    pytest.param(
        refs("  - type: book\n    title: B\n    url: https://b.example/\n    author: A\n"),
        # No spelling is close to `by`; the word authors reach for is known instead.
        [f"{LESSON}:9:5: error: unknown key `author` in a `book` entry; did you mean `by`?"],
        id="unknown-key-author-means-by",
    ),
    pytest.param(
        refs("  - type: paper\n    title: P\n    url: https://p.example/\n    authors: A, B\n"),
        [f"{LESSON}:9:5: error: unknown key `authors` in a `paper` entry; did you mean `by`?"],
        id="unknown-key-authors-means-by",
    ),
    pytest.param(
        refs(
            "  - type: source\n    title: S\n    author: A\n    url: https://s.example/\n"
            "    license: L\n"
        ),
        # Reported once, as the `creator` it stands for, not again as missing.
        [f"{LESSON}:8:5: error: unknown key `author` in a `source` entry; did you mean `creator`?"],
        id="unknown-key-author-means-creator",
    ),
    pytest.param(
        refs("  - type: video\n    title: V\n    link: https://v.example/\n    note: N\n"),
        [
            f"{LESSON}:6:5: error: a `video` entry is missing the required key `url`",
            f"{LESSON}:8:5: error: unknown key `link` in a `video` entry",
        ],
        id="unknown-key-no-close-match",
    ),
    pytest.param(
        refs("  - type: book\n    by: Someone\n"),
        [f"{LESSON}:6:5: error: a `book` entry is missing the required keys `title`, `url`"],
        id="entry-missing-required-keys",
    ),
    pytest.param(
        refs("  - type: source\n    title: S\n    url: https://s.example/\n"),
        [
            f"{LESSON}:6:5: error: a `source` entry is missing the required keys"
            " `creator`, `license`"
        ],
        id="source-missing-required-keys",
    ),
    pytest.param(
        refs("  - title: No type\n    url: https://v.example/\n"),
        [f"{LESSON}:6:5: error: a reference entry needs `type` (one of: {TYPES})"],
        id="entry-without-type",
    ),
    pytest.param(
        refs("  - https://v.example/\n"),
        [f"{LESSON}:6:5: error: a reference entry must be a mapping with `type`, not text"],
        id="entry-not-a-mapping",
    ),
    pytest.param(
        lesson2("references:\n  type: video\n"),
        [f"{LESSON}:6:3: error: `references` must be a list of entries, not a mapping"],
        id="references-not-a-list",
    ),
    pytest.param(
        refs("  - type: video\n    title: V\n    url: https://v.example/\n    minutes: twenty\n"),
        [f"{LESSON}:9:14: error: `minutes` must be a whole number, not text"],
        id="entry-minutes-not-a-number",
    ),
    pytest.param(
        refs("  - type: video\n    title: V\n    url: https://v.example/\n    note: ''\n"),
        [f"{LESSON}:9:11: error: `note` is empty: write some text or remove the key"],
        id="entry-note-empty",
    ),
    pytest.param(
        refs("  - type: video\n    title: [V]\n    url: https://v.example/\n    note: N\n"),
        [f"{LESSON}:7:12: error: `title` must be text, not a list"],
        id="entry-title-a-list",
    ),
    # --- URLs -----------------------------------------------------------------------------
    pytest.param(
        refs("  - type: video\n    title: V\n    url: ftp://v.example/file\n    note: N\n"),
        [
            f"{LESSON}:8:10: error: `url` must be an absolute http or https URL;"
            " `ftp://v.example/file` uses the `ftp:` scheme"
        ],
        id="url-ftp",
    ),
    pytest.param(
        refs("  - type: video\n    title: V\n    url: javascript:alert(1)\n    note: N\n"),
        [
            f"{LESSON}:8:10: error: `url` must be an absolute http or https URL;"
            " `javascript:alert(1)` uses the `javascript:` scheme"
        ],
        id="url-javascript",
    ),
    pytest.param(
        refs("  - type: video\n    title: V\n    url: ../other/page.html\n    note: N\n"),
        [
            f"{LESSON}:8:10: error: `url` must be an absolute http or https URL;"
            " `../other/page.html` is not absolute (no scheme)"
        ],
        id="url-relative",
    ),
    pytest.param(
        refs("  - type: video\n    title: V\n    url: https:///no-host\n    note: N\n"),
        [
            f"{LESSON}:8:10: error: `url` must be an absolute http or https URL;"
            " `https:///no-host` has no host"
        ],
        id="url-no-host",
    ),
    pytest.param(
        refs("  - type: video\n    title: V\n    url: 'https://v.example/a b'\n    note: N\n"),
        [
            f"{LESSON}:8:10: error: `url` must be an absolute http or https URL;"
            " `https://v.example/a b` contains white space"
        ],
        id="url-with-space",
    ),
    pytest.param(
        refs(SOURCE + "    series_url: mailto:someone@example.com\n"),
        [
            f"{LESSON}:11:17: error: `series_url` must be an absolute http or https URL;"
            " `mailto:someone@example.com` uses the `mailto:` scheme"
        ],
        id="series-url-mailto",
    ),
    # --- the lesson's own fields ------------------------------------------------------------
    pytest.param(
        {"t/02-broken.md": "---\nlesson: 2\n---\nText.\n"},
        [f"{LESSON}:2:1: error: the front matter is missing the required keys `title`, `summary`"],
        id="lesson-missing-required-keys",
    ),
    pytest.param(
        lesson2("minutes: twenty\n"),
        [f"{LESSON}:5:10: error: `minutes` must be a whole number, not text"],
        id="minutes-in-words",
    ),
    pytest.param(
        lesson2("minutes: -5\n"),
        [f"{LESSON}:5:10: error: `minutes` must be at least 1"],
        id="minutes-negative",
    ),
    pytest.param(
        lesson2("minutes: 0\n"),
        [f"{LESSON}:5:10: error: `minutes` must be at least 1"],
        id="minutes-zero",
    ),
    pytest.param(
        lesson2("minutes: 7.5\n"),
        [f"{LESSON}:5:10: error: `minutes` must be a whole number, not the number 7.5"],
        id="minutes-fraction",
    ),
    pytest.param(
        lesson2("objectives: Learn the thing.\n"),
        [f"{LESSON}:5:13: error: `objectives` must be a list of text, not text"],
        id="objectives-a-string",
    ),
    pytest.param(
        lesson2("objectives:\n  - One.\n  - [Two, Three]\n"),
        [f"{LESSON}:7:5: error: each item of `objectives` must be text, not a list"],
        id="objectives-item-a-list",
    ),
    pytest.param(
        lesson2('draft: "yes"\n'),
        [f"{LESSON}:5:8: error: `draft` must be true or false, not text"],
        id="draft-quoted-yes",
    ),
    pytest.param(
        lesson2("draft: 1\n"),
        [f"{LESSON}:5:8: error: `draft` must be true or false, not the number 1"],
        id="draft-a-number",
    ),
    pytest.param(
        {"t/02-broken.md": "---\ntitle: T\nlesson: two\nsummary: S\n---\nText.\n"},
        [f"{LESSON}:3:9: error: `lesson` must be a whole number, not text"],
        id="lesson-number-in-words",
    ),
    pytest.param(
        lesson2("titel: Typo\n"),
        [f"{LESSON}:5:1: error: unknown key `titel` in the front matter; did you mean `title`?"],
        id="front-matter-unknown-key",
    ),
    pytest.param(
        lesson2("title: Again\n"),
        [f"{LESSON}:5:1: error: `title` is written twice (first on line 2); keep one"],
        id="front-matter-duplicate-key",
    ),
    pytest.param(
        lesson2("minutes:\nobjectives:\ndraft:\n"),
        [],
        id="optional-keys-left-empty-are-absent",
    ),
    # --- numbering ----------------------------------------------------------------------------
    pytest.param(
        {"t/03-broken.md": lesson_text(2, title="Broken")},
        [
            "content/t/03-broken.md:3:9: error: `lesson` is 2 but the file name says 03:"
            " write `lesson: 3`, or rename the file to `02-broken.md`"
        ],
        id="number-does-not-match-file-name",
    ),
    pytest.param(
        {"t/001-again.md": lesson_text(1, title="Again")},
        [
            "content/t/01-intro.md:3:9: error: lesson 1 of track `t` is also"
            " content/t/001-again.md: give each lesson its own number"
        ],
        id="duplicate-lesson-number",
    ),
    pytest.param(
        {"t/2-Broken.md": lesson_text(2)},
        [
            "content/t/2-Broken.md:1:1: error: lesson file `2-Broken.md` is not named `NN-slug.md`:"
            " a number of at least two digits, a dash, then lowercase words joined by dashes"
            " (`02-neurons-as-numbers.md`)"
        ],
        id="bad-file-name",
    ),
    # --- `lesson` entries -----------------------------------------------------------------------
    pytest.param(
        refs("  - type: lesson\n    lesson: 7\n"),
        [f"{LESSON}:7:13: error: `lesson` names lesson 7 of track `t`, which does not exist"],
        id="lesson-entry-missing-lesson",
    ),
    pytest.param(
        refs("  - type: lesson\n    lesson: nowhere/1\n"),
        [f"{LESSON}:7:13: error: `lesson` names track `nowhere`, which does not exist"],
        id="lesson-entry-missing-track",
    ),
    pytest.param(
        refs("  - type: lesson\n    lesson: three\n"),
        [
            f"{LESSON}:7:13: error: `lesson` must be a lesson number in this track (`3`) or"
            " `<track-slug>/<number>` (`t/3`), not text `three`"
        ],
        id="lesson-entry-not-a-number",
    ),
    pytest.param(
        refs("  - type: lesson\n    note: Where to?\n"),
        [f"{LESSON}:6:5: error: a `lesson` entry is missing the required key `lesson`"],
        id="lesson-entry-without-lesson",
    ),
    pytest.param(
        {
            **refs("  - type: lesson\n    lesson: 3\n"),
            "t/03-draft.md": lesson_text(3, "draft: true\n", title="Draft"),
        },
        [
            f"{LESSON}:7:13: error: `lesson` names lesson 3 (content/t/03-draft.md), a draft:"
            " drafts are published only with --drafts"
        ],
        id="lesson-entry-names-draft",
    ),
    # --- front matter and YAML ------------------------------------------------------------------
    pytest.param(
        {"t/02-broken.md": "title: T\nlesson: 2\nsummary: S\n"},
        [
            f"{LESSON}:1:1: error: a lesson must start with front matter: a line `---`, YAML,"
            " then a line `---`"
        ],
        id="no-front-matter",
    ),
    pytest.param(
        {"t/02-broken.md": "---\ntitle: T\nlesson: 2\nsummary: S\n\nText.\n"},
        [f"{LESSON}:6:1: error: the front matter is not closed: add a line `---` after the YAML"],
        id="front-matter-not-closed",
    ),
    pytest.param(
        {"t/02-broken.md": "---\n---\nText.\n"},
        [f"{LESSON}:2:1: error: the front matter is empty"],
        id="front-matter-empty",
    ),
    pytest.param(
        lesson2("objectives: [one, two\n"),
        [f"{LESSON}:5:13: error: YAML syntax: expected ',' or ']', but got '<stream end>'"],
        id="malformed-yaml",
    ),
    pytest.param(
        {"t/02-broken.md": "---\ntitle: Broken: a story\nlesson: 2\nsummary: S\n---\n"},
        [
            f"{LESSON}:2:14: error: YAML syntax: a `: ` inside a value: put the whole value in"
            " quotes ('...') (mapping values are not allowed here)"
        ],
        id="unquoted-colon-in-title",
    ),
    pytest.param(
        {"t/02-broken.md": "---\n- title: T\n---\n"},
        [
            f"{LESSON}:2:1: error: the front matter must be a mapping of `key: value` lines,"
            " not a list"
        ],
        id="front-matter-a-list",
    ),
    pytest.param(
        {"t/02-broken.md": b"---\ntitle: caf\xe9\nlesson: 2\nsummary: S\n---\n"},
        [f"{LESSON}:2:11: error: the file is not UTF-8 text (byte 0xE9): save it as UTF-8"],
        id="not-utf8",
    ),
    # --- site.yml -------------------------------------------------------------------------------
    pytest.param(
        {"site.yml": None},
        [
            "content/site.yml:1:1: error: site.yml is missing: a site needs title, base_url"
            " and language"
        ],
        id="site-yml-missing",
    ),
    pytest.param(
        {"site.yml": "title: T\n"},
        [
            "content/site.yml:1:1: error: site.yml is missing the required keys `base_url`,"
            " `language`"
        ],
        id="site-yml-missing-keys",
    ),
    pytest.param(
        {"site.yml": "title: T\nbase_url: /course/\nlanguage: en\n"},
        [
            "content/site.yml:2:11: error: `base_url` must be an absolute http or https URL;"
            " `/course/` is not absolute (no scheme)"
        ],
        id="base-url-relative",
    ),
    pytest.param(
        {"site.yml": "title: T\nbase_url: ftp://files.example/\nlanguage: en\n"},
        [
            "content/site.yml:2:11: error: `base_url` must be an absolute http or https URL;"
            " `ftp://files.example/` uses the `ftp:` scheme"
        ],
        id="base-url-ftp",
    ),
    pytest.param(
        {"site.yml": "title: T\nbase_url: https://x.example/\nlanguage: English\n"},
        [
            "content/site.yml:3:11: error: `language` must be a BCP 47 tag such as `en` or"
            " `pt-BR`, not `English`"
        ],
        id="language-a-name",
    ),
    pytest.param(
        {"site.yml": "title: T\nbase_url: https://x.example/\nlanguage: en_US\n"},
        [
            "content/site.yml:3:11: error: `language` must be a BCP 47 tag such as `en` or"
            " `pt-BR`, not `en_US`"
        ],
        id="language-underscore",
    ),
    pytest.param(
        {"site.yml": SITE_YML + "descripton: Typo.\n"},
        [
            "content/site.yml:4:1: error: unknown key `descripton` in site.yml;"
            " did you mean `description`?"
        ],
        id="site-yml-unknown-key",
    ),
    pytest.param(
        {
            "site.yml": "titel: T\nbase_url: https://x.example/\nlanguage: english!\n"
            "embed_hosts: [https://www.youtube.com/]\n"
        },
        [
            "content/site.yml:1:1: error: unknown key `titel` in site.yml; did you mean"
            " `title`?",
            "content/site.yml:3:11: error: `language` must be a BCP 47 tag such as `en` or"
            " `pt-BR`, not `english!`",
            "content/site.yml:4:15: error: each item of `embed_hosts` must be a host name such"
            " as `www.youtube.com`, not `https://www.youtube.com/`",
        ],
        id="site-yml-unknown-key-and-bad-values",
    ),
    pytest.param(
        {"site.yml": ""},
        ["content/site.yml:1:1: error: site.yml is empty"],
        id="site-yml-empty",
    ),
    # --- track.yml ------------------------------------------------------------------------------
    pytest.param(
        {"t/track.yml": None},
        [
            "content/t/track.yml:1:1: error: track.yml is missing: track `t` needs a title"
            " and a summary"
        ],
        id="track-yml-missing",
    ),
    pytest.param(
        {"t/track.yml": "title: T\nsummary: S\nposition: first\n"},
        ["content/t/track.yml:3:11: error: `position` must be a whole number, not text"],
        id="track-position-in-words",
    ),
    pytest.param(
        {"t/track.yml": "title: T\n"},
        ["content/t/track.yml:1:1: error: track.yml is missing the required key `summary`"],
        id="track-yml-missing-summary",
    ),
    pytest.param(
        {"Big_Ideas/track.yml": "title: T\nsummary: S\n", "Big_Ideas/01-a.md": lesson_text(1)},
        [
            "content/Big_Ideas/track.yml:1:1: error: track folder `Big_Ideas` must be lowercase"
            " words joined by dashes (`neural-networks`)"
        ],
        id="bad-track-folder-name",
    ),
    # --- companion ------------------------------------------------------------------------------
    pytest.param(
        refs(SOURCE + "    companion: [https://v.example/]\n"),
        [f"{LESSON}:11:16: error: `companion` must be one further-study entry, not a list"],
        id="companion-a-list",
    ),
    pytest.param(
        refs(SOURCE + "    companion: {type: lesson, lesson: 1}\n"),
        [
            f"{LESSON}:11:23: error: a companion is one further-study entry"
            f" ({FURTHER_TYPES}), not a `lesson`"
        ],
        id="companion-of-type-lesson",
    ),
    pytest.param(
        refs(SOURCE + "    companion:\n      type: video\n      title: V\n      note: N\n"),
        [f"{LESSON}:12:7: error: a `video` entry is missing the required key `url`"],
        id="companion-without-url",
    ),
    pytest.param(
        refs(SOURCE + "    companion:\n      title: V\n      url: https://v.example/\n"),
        [f"{LESSON}:12:7: error: a reference entry needs `type` (one of: {FURTHER_TYPES})"],
        id="companion-without-type",
    ),
    pytest.param(
        refs(
            SOURCE + "    companion:\n      type: video\n      title: V\n"
            "      url: https://v.example/\n      minuts: 20\n      note: N\n"
        ),
        [f"{LESSON}:15:7: error: unknown key `minuts` in a `video` entry; did you mean `minutes`?"],
        id="companion-unknown-key",
    ),
    # --- contributors ---------------------------------------------------------------------------
    pytest.param(
        refs(SOURCE + "    contributors: Josh Pullen\n"),
        [f"{LESSON}:11:19: error: `contributors` must be a list of {{name, role}}, not text"],
        id="contributors-text",
    ),
    pytest.param(
        refs(SOURCE + "    contributors:\n      - Josh Pullen\n"),
        [f"{LESSON}:12:9: error: each contributor must be a mapping {{name, role}}, not text"],
        id="contributor-text",
    ),
    pytest.param(
        refs(SOURCE + "    contributors:\n      - {name: Josh Pullen}\n"),
        [f"{LESSON}:12:9: error: a contributor is missing the required key `role`"],
        id="contributor-without-role",
    ),
    pytest.param(
        refs(SOURCE + "    contributors:\n      - {name: J, role: r, rol: x}\n"),
        [f"{LESSON}:12:28: error: unknown key `rol` in a contributor; did you mean `role`?"],
        id="contributor-unknown-key",
    ),
    # --- links: in site.yml ---------------------------------------------------------------------
    pytest.param(
        {"site.yml": SITE_YML + "links: [a]\n"},
        ["content/site.yml:4:8: error: `links` must be a mapping, not a list"],
        id="links-a-list",
    ),
    pytest.param(
        {
            "site.yml": SITE_YML + "links:\n"
            "  exclude: ['[unclosed']\n"  # line 5
            "  accept: [200, 999, ok]\n"
            "  timeout: -1\n"
            "  max_age: soon\n"
            "  hosts:\n"
            "    a.example: {concurrency: many, headers: {X-Token: [1]}}\n"  # line 10
            "    b.example: 3\n"
            "  retries: 2\n"
        },
        [
            "content/site.yml:5:12: error: `links.exclude` pattern `[unclosed` is not a valid"
            " regular expression: unterminated character set at position 0",
            "content/site.yml:6:17: error: `links.accept` takes HTTP status codes (100 to 599),"
            " not the number 999",
            "content/site.yml:6:22: error: `links.accept` takes HTTP status codes (100 to 599),"
            " not text",
            "content/site.yml:7:12: error: `links.timeout` must be a positive number of seconds,"
            " not the number -1",
            "content/site.yml:8:12: error: `links.max_age` must be a positive number of seconds,"
            " not text",
            "content/site.yml:10:30: error: `concurrency` must be a whole number, not text",
            "content/site.yml:10:55: error: header `X-Token` must be text, not a list",
            "content/site.yml:11:16: error: `links.hosts.b.example` must be a mapping,"
            " not the number 3",
            "content/site.yml:12:3: error: unknown key `retries` in `links`",
        ],
        id="links-every-problem",
    ),
    pytest.param(
        {"site.yml": SITE_YML + "links:\n  hosts: [a.example]\n"},
        ["content/site.yml:5:10: error: `links.hosts` must map host names to settings, not a list"],
        id="links-hosts-a-list",
    ),
]


@pytest.mark.parametrize(("files", "expected"), CASES)
def test_diagnostics(diagnose: Diagnose, files: Files, expected: list[str]) -> None:
    assert diagnose(files) == expected


RUN_TOGETHER = (
    "looks like several items run together: YAML joins a line indented deeper than the `- `"
    " before it onto that item; check the indentation (every `- ` of the list in one column),"
    " or quote the item if the `-` is meant"
)


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        pytest.param(
            "objectives:\n - bad indent\n  -x\n  - Say what a neuron holds.\n",
            [
                f"{LESSON}:6:4: warning: the `objectives` item"
                f" `bad indent -x - Say what a neuron holds.` {RUN_TOGETHER}"
            ],
            id="folded-objectives",
        ),
        pytest.param(
            "keypoints:\n  - One\n    - Two\n",
            [f"{LESSON}:6:5: warning: the `keypoints` item `One - Two` {RUN_TOGETHER}"],
            id="folded-keypoints",
        ),
        pytest.param(
            "objectives:\n  - -Say it\n",
            [
                f"{LESSON}:6:5: warning: the `objectives` item `-Say it` starts with `-`: a new"
                " item starts with `- ` (a dash and a space) on a line of its own, in the column"
                " of the others; quote the item if the `-` is meant"
            ],
            id="starts-with-a-dash",
        ),
        pytest.param(
            "objectives:\n  - Say why 3 - 2 is 1.\n  - Say what a neuron\n    holds.\n"
            "  - '- on purpose'\n  - 'One\n    - quoted'\n"
            "  - Run `ls -l` in a terminal\n    and read what it says.\n",
            [],
            id="one-line-dash-long-items-and-quoted-are-fine",
        ),
    ],
)
def test_list_items_run_together_by_indentation_are_warned(
    diagnose: Diagnose, extra: str, expected: list[str]
) -> None:
    assert diagnose(lesson2(extra)) == expected


def test_lesson_entry_naming_a_draft_is_fine_with_drafts(diagnose: Diagnose) -> None:
    files = {
        **refs("  - type: lesson\n    lesson: 3\n    note: Next.\n"),
        "t/03-draft.md": lesson_text(3, "draft: true\n", title="Draft"),
    }
    assert diagnose(files, drafts=True) == []


def test_draft_is_left_out_without_drafts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    write_site(tmp_path, {"t/02-draft.md": lesson_text(2, "draft: true\n", title="Draft")})
    without = load_site(Path("content"))
    with_drafts = load_site(Path("content"), drafts=True)
    assert without.site is not None and with_drafts.site is not None
    assert [lesson.number for lesson in without.site.tracks[0].lessons] == [1]
    assert [lesson.number for lesson in with_drafts.site.tracks[0].lessons] == [1, 2]


def test_a_long_body_without_minutes_is_warned_about(diagnose: Diagnose) -> None:
    body = "word " * 1200
    files = {"t/02-long.md": lesson_text(2, title="Long", body=body)}
    assert diagnose(files) == [
        "content/t/02-long.md:2:1: warning: the body is 1200 words long but `minutes` is not set;"
        " the reading time is estimated: set `minutes` to say how long it really takes"
    ]


def test_parse_lesson_reports_positions_in_the_file() -> None:
    """parse_lesson is pure: text in, lesson or diagnostics out, lines counted in the file."""
    text = "---\ntitle: T\nlesson: 4\nsummary: S\nreferences:\n  - type: vidoe\n---\nBody\n"
    problems = Problems("lessons/04-x.md")
    parse_lesson(text, path=problems.path, track="t", stem="04-x", problems=problems)
    assert [d.format() for d in problems.items] == [
        "lessons/04-x.md:6:11: error: unknown reference type `vidoe`; did you mean `video`?"
        f" (one of: {TYPES})"
    ]


def test_parse_lesson_reads_every_field() -> None:
    text = lesson_text(
        3,
        "minutes: 12\nobjectives:\n  - One.\n  - Two.\n"
        "references:\n  - type: lesson\n    lesson: other/1\n    note: Go on.\n",
        title="Three",
        body="Body text.",
    )
    problems = Problems("x.md")
    lesson = parse_lesson(text, path="x.md", track="t", stem="03-three", problems=problems)
    assert problems.items == []
    assert lesson is not None
    assert (lesson.title, lesson.number, lesson.minutes, lesson.objectives) == (
        "Three",
        3,
        12,
        ("One.", "Two."),
    )
    assert lesson.source == "t/03-three.md"
    assert [(ref.track, ref.number, ref.note) for ref in lesson.leads_to] == [
        ("other", 1, "Go on.")
    ]
    assert (lesson.body, lesson.body_line) == ("Body text.\n", 14)


# --- every problem at once ---------------------------------------------------------------------

BROKEN_SITE: dict[str, str | bytes | None] = {
    "site.yml": "title: T\nbase_url: https://x.example/\nlanguage: English\n",
    "t/02-broken.md": lesson_text(
        2,
        "minutes: twenty\nreferences:\n  - type: vidoe\n    title: V\n    url: https://v.example/\n",
        title="Broken",
    ),
    "t/03-worse.md": "---\ntitle: Worse\nlesson: 3\nsummary: [unclosed\n---\n",
    "u/track.yml": "title: U\n",
    "u/01-other.md": lesson_text(
        1, "references:\n  - type: book\n    title: B\n    url: ftp://b.example/\n"
    ),
}
BROKEN_REPORT = "\n".join(
    [
        "content/site.yml:3:11: error: `language` must be a BCP 47 tag such as `en` or `pt-BR`,"
        " not `English`",
        "content/t/02-broken.md:5:10: error: `minutes` must be a whole number, not text",
        "content/t/02-broken.md:7:11: error: unknown reference type `vidoe`; did you mean"
        f" `video`? (one of: {TYPES})",
        "content/t/03-worse.md:4:10: error: YAML syntax: expected ',' or ']', but got"
        " '<stream end>'",
        "content/u/01-other.md:8:10: error: `url` must be an absolute http or https URL;"
        " `ftp://b.example/` uses the `ftp:` scheme",
        "content/u/track.yml:1:1: error: track.yml is missing the required key `summary`",
        "6 errors, 0 warnings",
    ]
)


def test_every_problem_is_gathered_sorted_and_counted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    write_site(tmp_path, BROKEN_SITE)
    result = load_site(Path("content"))
    assert result.site is None
    assert format_report(result.diagnostics) == BROKEN_REPORT


def test_check_command_prints_the_same_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    write_site(tmp_path, BROKEN_SITE)
    result = CliRunner().invoke(main, ["check"], catch_exceptions=False)
    assert (result.exit_code, result.stdout, result.stderr) == (1, "", BROKEN_REPORT + "\n")

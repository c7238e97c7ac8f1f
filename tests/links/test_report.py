"""Link-check reports: exact text for every format. Pure functions, no IO."""

from __future__ import annotations

import json
from typing import get_args

import pytest
from hypothesis import given
from hypothesis import strategies as st
from results import make

from clawdemy_site.links.model import LinkResult, SourceRef, Status
from clawdemy_site.links.report import (
    STATUS_ORDER,
    Summary,
    format_github,
    format_json,
    format_markdown,
    format_text,
    indented_json,
    summarize,
)
from clawdemy_site.links.summary import code_text, tally, verdict

A = SourceRef("content/nn/02-neurons.md", 14)
A2 = SourceRef("content/nn/02-neurons.md", 30)
B = SourceRef("content/nn/03-weights.md", 7)
FLAKY_DETAIL = (
    "flaky: failed in 1 run since the last success at 2023-11-14T22:13:20Z; timed out after 20 s"
)
RESULTS = [
    make("https://ok.example/", "ok", 200, sources=(A,)),
    make("https://cached.example/", "ok", 200, sources=(B, A2), cached=True),
    make("https://gone.example/page", "broken", 404, sources=(B, A)),
    make("https://slow.example/", "timeout", detail=FLAKY_DETAIL, sources=(B,), flaky=True),
    make(
        "https://moved.example/", "redirected", 301, final_url="https://new.example/", sources=(A2,)
    ),
    make("https://skip.example/", "excluded", sources=(A,)),
    make("http://10.0.0.1/", "blocked", detail="private address", sources=(B,)),
    make(
        "https://busy.example/",
        "rate_limited",
        429,
        detail="Retry-After 120 s exceeds the cap",
        sources=(A,),
    ),
]
SUMMARY = summarize(RESULTS)
ALL_OK = [make("https://ok.example/", "ok", 200, sources=(A,))]


# -- the summary ----------------------------------------------------------------------


def test_status_order_lists_every_status_once() -> None:
    assert sorted(STATUS_ORDER) == sorted(get_args(Status))
    assert len(set(STATUS_ORDER)) == len(STATUS_ORDER)


def test_summarize() -> None:
    summary = summarize(RESULTS)
    assert summary == Summary(
        total=8,
        counts=(
            ("ok", 2),
            ("redirected", 1),
            ("broken", 1),
            ("timeout", 1),
            ("rate_limited", 1),
            ("unreachable", 0),
            ("blocked", 1),
            ("unverifiable", 0),
            ("excluded", 1),
            ("skipped", 0),
            ("error", 0),
        ),
        failed=2,
        flaky=1,
        cached=1,
    )
    assert summary.count("broken") == 1
    assert summary.exit_code == 1


@pytest.mark.parametrize(
    ("results", "exit_code"),
    [
        pytest.param([], 0, id="nothing"),
        pytest.param(ALL_OK, 0, id="all-ok"),
        pytest.param([make("u", "redirected", 301, final_url="https://v/")], 0, id="redirected"),
        pytest.param([make("u", "blocked")], 0, id="blocked"),
        pytest.param([make("u", "excluded")], 0, id="excluded"),
        pytest.param([make("u", "timeout", flaky=True)], 0, id="flaky-timeout"),
        pytest.param([make("u", "timeout")], 1, id="timeout"),
        pytest.param([make("u", "unreachable")], 1, id="unreachable"),
        pytest.param([make("u", "rate_limited", 429)], 1, id="rate-limited"),
        pytest.param([make("u", "broken", 404)], 1, id="broken"),
        pytest.param([make("u", "error")], 1, id="error"),
    ],
)
def test_exit_code(results: list[LinkResult], exit_code: int) -> None:
    assert summarize(results).exit_code == exit_code


@pytest.mark.parametrize(
    ("results", "expected"),
    [
        pytest.param([], "0 links", id="none"),
        pytest.param(ALL_OK, "1 link: 1 ok", id="one"),
        pytest.param(
            [
                *ALL_OK,
                make("t1", "timeout", flaky=True),
                make("t2", "timeout"),
                make("c", "ok", cached=True),
            ],
            "4 links: 2 ok, 2 timeout (1 flaky, excused); 1 from cache",
            id="some-flaky",
        ),
        pytest.param(
            [make("t1", "unreachable", flaky=True)],
            "1 link: 1 unreachable (flaky, excused)",
            id="all-flaky",
        ),
    ],
)
def test_tally(results: list[LinkResult], expected: str) -> None:
    assert tally(results) == expected


@pytest.mark.parametrize(
    ("results", "expected"),
    [
        pytest.param(ALL_OK, "passed: no link fails the run", id="passed"),
        pytest.param([make("u", "error")], "failed: 1 link fails the run", id="one"),
        pytest.param(RESULTS, "failed: 2 links fail the run", id="two"),
    ],
)
def test_verdict(results: list[LinkResult], expected: str) -> None:
    assert verdict(summarize(results)) == expected


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        pytest.param(404, "404 Not Found", id="named"),
        pytest.param(429, "429 Too Many Requests", id="named-429"),
        pytest.param(599, "599", id="unnamed"),
    ],
)
def test_code_text(code: int, expected: str) -> None:
    assert code_text(code) == expected


# -- JSON -----------------------------------------------------------------------------


def test_json_exact_for_one_result() -> None:
    results = [make("https://gone.example/#top", "broken", 404, detail="Not Found", sources=(B, A))]
    assert format_json(results, summarize(results)) == (
        """{
  "results": [
    {
      "url": "https://gone.example/#top",
      "status": "broken",
      "code": 404,
      "final_url": null,
      "detail": "Not Found",
      "sources": [
        {
          "path": "content/nn/02-neurons.md",
          "line": 14
        },
        {
          "path": "content/nn/03-weights.md",
          "line": 7
        }
      ],
      "flaky": false,
      "cached": false
    }
  ],
  "summary": {
    "total": 1,
    "ok": 0,
    "redirected": 0,
    "broken": 1,
    "timeout": 0,
    "rate_limited": 0,
    "unreachable": 0,
    "blocked": 0,
    "unverifiable": 0,
    "excluded": 0,
    "skipped": 0,
    "error": 0,
    "failed": 1,
    "flaky": 0,
    "cached": 0
  }
}"""
    )


def test_json_sorted_by_url_with_contract_keys() -> None:
    data = json.loads(format_json(RESULTS, SUMMARY))
    assert list(data) == ["results", "summary"]
    assert [r["url"] for r in data["results"]] == sorted(r.url for r in RESULTS)
    for result in data["results"]:
        assert list(result) == [
            "url",
            "status",
            "code",
            "final_url",
            "detail",
            "sources",
            "flaky",
            "cached",
        ]
    slow = next(r for r in data["results"] if r["url"] == "https://slow.example/")
    assert (slow["status"], slow["flaky"], slow["code"]) == ("timeout", True, None)
    assert data["summary"]["failed"] == 2
    assert format_json(list(reversed(RESULTS)), SUMMARY) == format_json(RESULTS, SUMMARY)


def test_json_keeps_non_ascii_urls_readable() -> None:
    results = [make("https://de.example/straße", "ok", 200)]
    assert '"url": "https://de.example/straße"' in format_json(results, summarize(results))


# -- text -----------------------------------------------------------------------------

TEXT = """\
content/nn/02-neurons.md (6 links: 2 ok, 1 redirected, 1 broken, 1 rate limited, 1 excluded)
content/nn/02-neurons.md:14: RATE_LIMITED https://busy.example/ (429 Too Many Requests) \
- Retry-After 120 s exceeds the cap
content/nn/02-neurons.md:14: BROKEN https://gone.example/page (404 Not Found)
content/nn/02-neurons.md:30: REDIRECTED https://moved.example/ (301 Moved Permanently) \
-> https://new.example/

content/nn/03-weights.md (4 links: 1 ok, 1 broken, 1 timeout (flaky, excused), 1 blocked)
content/nn/03-weights.md:7: BLOCKED http://10.0.0.1/ - private address
content/nn/03-weights.md:7: BROKEN https://gone.example/page (404 Not Found)
content/nn/03-weights.md:7: TIMEOUT (flaky) https://slow.example/ - flaky: failed in 1 run \
since the last success at 2023-11-14T22:13:20Z; timed out after 20 s

8 links: 2 ok, 1 redirected, 1 broken, 1 timeout (flaky, excused), 1 rate limited, \
1 blocked, 1 excluded; 1 from cache
failed: 2 links fail the run"""


def test_text() -> None:
    assert format_text(RESULTS, SUMMARY, color=False) == TEXT


def test_text_in_colour() -> None:
    bold, red, yellow, reset = "\x1b[1m", "\x1b[31m", "\x1b[33m", "\x1b[0m"
    coloured = format_text(RESULTS, SUMMARY, color=True)
    assert coloured.splitlines()[:2] == [
        f"{bold}content/nn/02-neurons.md (6 links: 2 ok, 1 redirected, 1 broken,"
        f" 1 rate limited, 1 excluded){reset}",
        f"content/nn/02-neurons.md:14: {red}RATE_LIMITED{reset} https://busy.example/"
        " (429 Too Many Requests) - Retry-After 120 s exceeds the cap",
    ]
    assert f"{yellow}TIMEOUT (flaky){reset} https://slow.example/" in coloured
    assert f"{yellow}REDIRECTED{reset}" in coloured
    assert coloured.endswith(f"{red}failed: 2 links fail the run{reset}")
    plain = coloured
    for code in (bold, red, yellow, reset):
        plain = plain.replace(code, "")
    assert plain == TEXT


@pytest.mark.parametrize(
    ("results", "color", "expected"),
    [
        pytest.param([], False, "0 links\npassed: no link fails the run", id="empty"),
        pytest.param(ALL_OK, False, "1 link: 1 ok\npassed: no link fails the run", id="all-ok"),
        pytest.param(
            ALL_OK, True, "1 link: 1 ok\n\x1b[32mpassed: no link fails the run\x1b[0m", id="green"
        ),
        pytest.param(
            [make("https://x.example/", "error", detail="unsupported")],
            False,
            "(no source) (1 link: 1 error)\nERROR https://x.example/ - unsupported\n\n"
            "1 link: 1 error\nfailed: 1 link fails the run",
            id="no-source",
        ),
    ],
)
def test_text_edge_cases(results: list[LinkResult], color: bool, expected: str) -> None:
    assert format_text(results, summarize(results), color=color) == expected


# -- GitHub annotations ---------------------------------------------------------------

GITHUB = """\
::error file=content/nn/02-neurons.md,line=14,title=link rate limited::https://busy.example/ \
(429 Too Many Requests) - Retry-After 120 s exceeds the cap
::error file=content/nn/02-neurons.md,line=14,title=broken link::https://gone.example/page \
(404 Not Found)
::warning file=content/nn/02-neurons.md,line=30,title=redirected link::https://moved.example/ \
(301 Moved Permanently) -> https://new.example/
::warning file=content/nn/03-weights.md,line=7,title=blocked link::http://10.0.0.1/ - private \
address
::error file=content/nn/03-weights.md,line=7,title=broken link::https://gone.example/page \
(404 Not Found)
::warning file=content/nn/03-weights.md,line=7,title=flaky link (timeout)::https://slow.example/ \
- flaky: failed in 1 run since the last success at 2023-11-14T22:13:20Z; timed out after 20 s
::notice title=link check::8 links: 2 ok, 1 redirected, 1 broken, 1 timeout (flaky, excused), \
1 rate limited, 1 blocked, 1 excluded; 1 from cache; failed: 2 links fail the run"""


def test_github() -> None:
    assert format_github(RESULTS, SUMMARY) == GITHUB


@pytest.mark.parametrize(
    ("result", "expected"),
    [
        pytest.param(
            make(
                "https://e.example/a,b:c?p=100%",
                "broken",
                500,
                detail="line one\r\nline two",
                sources=(SourceRef("content/odd,name:x%.md", 3),),
            ),
            "::error file=content/odd%2Cname%3Ax%25.md,line=3,title=broken link::"
            "https://e.example/a,b:c?p=100%25 (500 Internal Server Error) - line one%0D%0Aline two",
            id="escaping",
        ),
        pytest.param(
            make("https://x.example/", "error", detail="bad URL"),
            "::error title=link check error::https://x.example/ - bad URL",
            id="no-source",
        ),
        pytest.param(
            make("https://x.example/", "unreachable", flaky=True, sources=(A,)),
            "::warning file=content/nn/02-neurons.md,line=14,title=flaky link (unreachable)::"
            "https://x.example/",
            id="flaky-unreachable",
        ),
    ],
)
def test_github_single(result: LinkResult, expected: str) -> None:
    annotations = format_github([result], summarize([result])).splitlines()
    assert annotations[:-1] == [expected]
    assert annotations[-1].startswith("::notice title=link check::1 link: ")


def test_github_all_ok_is_only_the_notice() -> None:
    assert format_github(ALL_OK, summarize(ALL_OK)) == (
        "::notice title=link check::1 link: 1 ok; passed: no link fails the run"
    )


# -- Markdown job summary -------------------------------------------------------------

MARKDOWN = """\
## Link check failed

8 links, 2 failing, 1 flaky (excused), 1 from cache.

| status | links |
| --- | ---: |
| ok | 2 |
| redirected | 1 |
| broken | 1 |
| timeout | 1 |
| rate limited | 1 |
| blocked | 1 |
| excluded | 1 |
| **total** | **8** |

### Links to look at

| status | URL | where | detail |
| --- | --- | --- | --- |
| rate limited (429 Too Many Requests) | https://busy.example/ | `content/nn/02-neurons.md:14` \
| Retry-After 120 s exceeds the cap |
| broken (404 Not Found) | https://gone.example/page | `content/nn/02-neurons.md:14`, \
`content/nn/03-weights.md:7` |  |
| blocked | http://10.0.0.1/ | `content/nn/03-weights.md:7` | private address |
| redirected (301 Moved Permanently) | https://moved.example/ | `content/nn/02-neurons.md:30` \
| -> https://new.example/ |
| timeout (flaky) | https://slow.example/ | `content/nn/03-weights.md:7` | flaky: failed in 1 \
run since the last success at 2023-11-14T22:13:20Z; timed out after 20 s |"""


def test_markdown() -> None:
    assert format_markdown(RESULTS, SUMMARY) == MARKDOWN


def test_markdown_all_ok() -> None:
    assert format_markdown(ALL_OK, summarize(ALL_OK)) == (
        "## Link check passed\n\n1 link, 0 failing.\n\n| status | links |\n| --- | ---: |\n"
        "| ok | 1 |\n| **total** | **1** |\n\nNo problems found."
    )


def test_markdown_escapes_cells() -> None:
    result = make(
        "https://e.example/a|b",
        "broken",
        404,
        detail="<b>gone</b> | really\nfor good",
        sources=(SourceRef("content/a|b.md", 2), SourceRef("content/c`d.md", 5)),
    )
    last_row = format_markdown([result], summarize([result])).splitlines()[-1]
    assert last_row == (
        "| broken (404 Not Found) | https://e.example/a\\|b | `content/a\\|b.md:2`,"
        " `` content/c`d.md:5 `` | &lt;b>gone&lt;/b> \\| really for good |"
    )


JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.text(max_size=5), inner, max_size=4)
        | st.dictionaries(st.integers(), inner, max_size=2)
    ),
    max_leaves=25,
)


@given(JSON_VALUES)
def test_indented_json_is_what_json_dumps_writes(value: object) -> None:
    assert indented_json(value) == json.dumps(value, indent=2, ensure_ascii=False)

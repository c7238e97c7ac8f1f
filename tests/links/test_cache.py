"""The link history (SQLite) and the flaky-link policy it feeds. No network anywhere."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest
from results import make

from clawdemy_site.links.cache import (
    SCHEMA_VERSION,
    CacheError,
    LinkHistory,
    new_run_id,
)
from clawdemy_site.links.flaky import FlakyPolicy, HistoryEntry, iso_time, judge
from clawdemy_site.links.model import ExternalLink, LinkResult, SourceRef, Status

HOUR = 3600.0
DAY = 86_400.0
T0 = 1_700_000_000.0  # 2023-11-14T22:13:20Z
URL = "https://slow.example/page"
SRC = (SourceRef("content/nn/02-neurons.md", 14),)
POLICY = FlakyPolicy()


def entry(
    at: float, status: Status, code: int | None = None, *, run: str = "", url: str = URL
) -> HistoryEntry:
    return HistoryEntry(
        url=url,
        checked_at=at,
        status=status,
        code=code,
        final_url=None,
        detail="",
        run_id=run or f"run-{at}",
    )


def timeout(url: str = URL) -> LinkResult:
    return make(url, "timeout", detail="timed out after 20 s", sources=SRC)


# -- the pure policy ------------------------------------------------------------------


def test_iso_time() -> None:
    assert iso_time(T0) == "2023-11-14T22:13:20Z"


JUDGE_CASES = [
    pytest.param([], timeout(), T0, POLICY, False, "timed out after 20 s", id="no-history"),
    pytest.param(
        [entry(T0, "timeout")],
        timeout(),
        T0 + 2 * DAY,
        POLICY,
        False,
        "timed out after 20 s",
        id="never-succeeded-is-never-flaky",
    ),
    pytest.param(
        [entry(T0, "ok", 200)],
        timeout(),
        T0 + HOUR,
        POLICY,
        True,
        "flaky: failed in 1 run since the last success at 2023-11-14T22:13:20Z;"
        " timed out after 20 s",
        id="first-failure-after-success",
    ),
    pytest.param(
        [entry(T0, "redirected", 301)],
        make(URL, "unreachable", detail="connection refused"),
        T0 + HOUR,
        POLICY,
        True,
        "flaky: failed in 1 run since the last success at 2023-11-14T22:13:20Z; connection refused",
        id="redirect-counts-as-success",
    ),
    pytest.param(
        [entry(T0, "ok", 200)],
        make(URL, "rate_limited", 429),
        T0 + HOUR,
        POLICY,
        True,
        "flaky: failed in 1 run since the last success at 2023-11-14T22:13:20Z",
        id="rate-limited-without-detail",
    ),
    pytest.param(
        [entry(T0 + HOUR, "timeout"), entry(T0, "ok", 200)],
        timeout(),
        T0 + 2 * HOUR,
        POLICY,
        True,
        "flaky: failed in 2 runs since the last success at 2023-11-14T22:13:20Z;"
        " timed out after 20 s",
        id="second-run-but-span-too-short",
    ),
    pytest.param(
        [entry(T0 + 2 * HOUR, "timeout"), entry(T0, "ok", 200), entry(T0 + HOUR, "timeout")],
        timeout(),
        T0 + HOUR + 25 * HOUR,
        POLICY,
        False,
        "failing since 2023-11-14T23:13:20Z across 3 runs; timed out after 20 s",
        id="span-and-runs-reached-history-unsorted",
    ),
    pytest.param(
        [entry(T0, "ok", 200), entry(T0 + HOUR, "timeout")],
        timeout(),
        T0 + HOUR + DAY,
        POLICY,
        False,
        "failing since 2023-11-14T23:13:20Z across 2 runs; timed out after 20 s",
        id="span-reached-exactly",
    ),
    pytest.param(
        [entry(T0, "ok", 200), entry(T0 + HOUR, "timeout")],
        timeout(),
        T0 + HOUR + DAY,
        FlakyPolicy(min_failed_runs=3),
        True,
        "flaky: failed in 2 runs since the last success at 2023-11-14T22:13:20Z;"
        " timed out after 20 s",
        id="span-reached-but-too-few-runs",
    ),
    pytest.param(
        [entry(T0, "ok", 200), entry(T0 + HOUR, "timeout"), entry(T0 + 2 * HOUR, "ok", 200)],
        timeout(),
        T0 + 30 * HOUR,
        POLICY,
        True,
        "flaky: failed in 1 run since the last success at 2023-11-15T00:13:20Z;"
        " timed out after 20 s",
        id="a-success-ends-the-streak",
    ),
    pytest.param(
        [entry(T0, "ok", 200), entry(T0 + HOUR, "broken", 404)],
        timeout(),
        T0 + 2 * HOUR,
        POLICY,
        False,
        "failing since 2023-11-14T23:13:20Z across 2 runs; timed out after 20 s",
        id="a-definite-failure-in-the-streak-is-not-excused",
    ),
    pytest.param(
        [entry(T0, "ok", 200), entry(T0 + HOUR, "excluded"), entry(T0 + 2 * HOUR, "blocked")],
        timeout(),
        T0 + 3 * HOUR,
        POLICY,
        True,
        "flaky: failed in 1 run since the last success at 2023-11-14T22:13:20Z;"
        " timed out after 20 s",
        id="neutral-statuses-are-skipped",
    ),
    pytest.param(
        [
            entry(T0, "ok", 200),
            entry(T0 + HOUR, "timeout", url="https://other.example/"),
            entry(T0 + 2 * HOUR, "ok", 200, run="future"),
        ],
        timeout(),
        T0 + HOUR + 30,
        POLICY,
        True,
        "flaky: failed in 1 run since the last success at 2023-11-14T22:13:20Z;"
        " timed out after 20 s",
        id="other-urls-and-later-checks-ignored",
    ),
    pytest.param(
        [
            entry(T0, "ok", 200),
            entry(T0 + HOUR, "timeout", run="r1"),
            entry(T0 + 2, "timeout", run="r1"),
        ],
        timeout(),
        T0 + 2 * HOUR,
        POLICY,
        True,
        "flaky: failed in 2 runs since the last success at 2023-11-14T22:13:20Z;"
        " timed out after 20 s",
        id="runs-counted-by-run-id",
    ),
]


@pytest.mark.parametrize(("history", "result", "now", "policy", "flaky", "detail"), JUDGE_CASES)
def test_judge(
    history: list[HistoryEntry],
    result: LinkResult,
    now: float,
    policy: FlakyPolicy,
    flaky: bool,
    detail: str,
) -> None:
    judged = judge(result, history, now=now, policy=policy)
    assert (judged.flaky, judged.detail) == (flaky, detail)
    assert judged.fails_run is not flaky
    assert (judged.url, judged.status, judged.code, judged.sources) == (
        result.url,
        result.status,
        result.code,
        result.sources,
    )


@pytest.mark.parametrize(
    ("result", "policy"),
    [
        pytest.param(make(URL, "broken", 404, detail="Not Found"), POLICY, id="404"),
        pytest.param(make(URL, "broken", 410), POLICY, id="410"),
        pytest.param(
            make(URL, "broken", 410), FlakyPolicy(excuse_server_errors=True), id="410-5xx-on"
        ),
        pytest.param(make(URL, "broken", 503), POLICY, id="503-by-default"),
        pytest.param(make(URL, "error", detail="bad TLS"), POLICY, id="error"),
        pytest.param(make(URL, "ok", 200), POLICY, id="ok"),
        pytest.param(make(URL, "blocked"), POLICY, id="blocked"),
    ],
)
def test_judge_leaves_definite_outcomes_alone(result: LinkResult, policy: FlakyPolicy) -> None:
    assert judge(result, [entry(T0, "ok", 200)], now=T0 + HOUR, policy=policy) is result


def test_judge_excuses_server_errors_when_the_policy_says() -> None:
    policy = FlakyPolicy(excuse_server_errors=True)
    judged = judge(make(URL, "broken", 503), [entry(T0, "ok", 200)], now=T0 + 1, policy=policy)
    assert judged.flaky
    assert judged.detail == "flaky: failed in 1 run since the last success at 2023-11-14T22:13:20Z"


# -- the SQLite history ---------------------------------------------------------------


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "site" / ".clawdemy" / "links.sqlite"


def run(path: Path, result: LinkResult, *, now: float) -> LinkResult:
    """One check-links run for one URL: judge against the history, then record."""
    with LinkHistory.open(path) as history:
        (judged,) = history.apply_flaky_policy([result], now=now)
        history.record([judged], run_id=new_run_id(), now=now)
    return judged


def test_open_creates_folder_and_schema(db: Path) -> None:
    LinkHistory.open(db).close()
    with sqlite3.connect(db) as raw:
        assert raw.execute("SELECT version FROM schema_version").fetchall() == [(SCHEMA_VERSION,)]
        assert raw.execute("SELECT COUNT(*) FROM checks").fetchone() == (0,)
    LinkHistory.open(db).close()  # reopening keeps one version row
    with sqlite3.connect(db) as raw:
        assert raw.execute("SELECT COUNT(*) FROM schema_version").fetchone() == (1,)


def test_flaky_policy_across_runs(db: Path) -> None:
    ok = make(URL, "ok", 200, sources=SRC)
    assert run(db, ok, now=T0) == ok
    first = T0 + 2 * HOUR
    second = run(db, timeout(), now=first)
    assert (second.flaky, second.fails_run) == (True, False)
    assert second.detail == (
        "flaky: failed in 1 run since the last success at 2023-11-14T22:13:20Z;"
        " timed out after 20 s"
    )
    third = run(db, timeout(), now=first + HOUR)
    assert (third.flaky, third.fails_run) == (True, False)
    assert third.detail.startswith("flaky: failed in 2 runs since the last success at ")
    fourth = run(db, timeout(), now=first + 25 * HOUR)
    assert (fourth.flaky, fourth.fails_run) == (False, True)
    assert fourth.detail == "failing since 2023-11-15T00:13:20Z across 3 runs; timed out after 20 s"
    back = run(db, ok, now=first + 26 * HOUR)
    assert back == ok
    again = run(db, timeout(), now=first + 27 * HOUR)
    assert again.flaky, "a success starts the count again"


def test_not_found_after_success_fails_at_once(db: Path) -> None:
    run(db, make(URL, "ok", 200), now=T0)
    gone = make(URL, "broken", 404, detail="Not Found", sources=SRC)
    assert run(db, gone, now=T0 + HOUR) == gone
    assert gone.fails_run


def test_no_prior_success_is_never_flaky(db: Path) -> None:
    assert run(db, timeout(), now=T0).fails_run
    assert run(db, timeout(), now=T0 + HOUR).fails_run


def test_apply_flaky_policy_keeps_order_and_skips_cached(db: Path) -> None:
    with LinkHistory.open(db) as history:
        history.record([make(URL, "ok", 200)], run_id="a", now=T0)
        cached = make("https://c.example/", "ok", 200, cached=True)
        fine = make("https://f.example/", "ok", 200)
        judged = history.apply_flaky_policy([cached, timeout(), fine], now=T0 + HOUR)
    assert judged[0] is cached
    assert judged[1].flaky
    assert judged[2] is fine


FRESH_CASES = [
    pytest.param("ok", 200, HOUR, DAY, True, id="ok-within-max-age"),
    pytest.param("redirected", 301, HOUR, DAY, True, id="redirect-within-max-age"),
    pytest.param("ok", 200, DAY - 1, DAY, True, id="ok-just-younger"),
    pytest.param("ok", 200, DAY, DAY, False, id="ok-at-max-age"),
    pytest.param("ok", 200, 2 * DAY, DAY, False, id="ok-too-old"),
    pytest.param("ok", 200, HOUR, 0.0, False, id="max-age-zero"),
    pytest.param("ok", 200, -HOUR, DAY, False, id="checked-in-the-future"),
    pytest.param("broken", 404, HOUR, DAY, False, id="broken-rechecked"),
    pytest.param("timeout", None, HOUR, DAY, False, id="timeout-rechecked"),
    pytest.param("rate_limited", 429, HOUR, DAY, False, id="rate-limited-rechecked"),
    pytest.param("blocked", None, HOUR, DAY, False, id="blocked-rechecked"),
]


@pytest.mark.parametrize(("status", "code", "age", "max_age", "reused"), FRESH_CASES)
def test_fresh(
    db: Path, status: Status, code: int | None, age: float, max_age: float, reused: bool
) -> None:
    final = "https://slow.example/new" if status == "redirected" else None
    with LinkHistory.open(db) as history:
        history.record([make(URL, status, code, final_url=final, detail="d")], run_id="r", now=T0)
        fresh = history.fresh([ExternalLink(URL, SRC)], now=T0 + age, max_age=max_age)
    expected = make(URL, status, code, final_url=final, detail="d", sources=SRC, cached=True)
    assert fresh == ({URL: expected} if reused else {})


def test_fresh_uses_the_latest_check(db: Path) -> None:
    with LinkHistory.open(db) as history:
        history.record([make(URL, "ok", 200)], run_id="a", now=T0)
        history.record([timeout()], run_id="b", now=T0 + HOUR)
        assert history.fresh([ExternalLink(URL, SRC)], now=T0 + 2 * HOUR) == {}
        history.record([make(URL, "ok", 200)], run_id="c", now=T0 + 3 * HOUR)
        assert list(history.fresh([ExternalLink(URL, SRC)], now=T0 + 4 * HOUR)) == [URL]


def test_fresh_many_urls(db: Path) -> None:
    urls = [f"https://e.example/{i}" for i in range(1234)]
    with LinkHistory.open(db) as history:
        history.record([make(u, "ok", 200) for u in urls], run_id="r", now=T0)
        fresh = history.fresh([ExternalLink(u, ()) for u in [*urls, URL]], now=T0 + 1)
    assert sorted(fresh) == sorted(urls)


def test_record_skips_cached_results(db: Path) -> None:
    with LinkHistory.open(db) as history:
        written = history.record(
            [make(URL, "ok", 200, cached=True), make("https://x.example/", "ok", 200)],
            run_id="r1",
            now=T0,
        )
        assert written == 1
        assert history.record([], run_id="r2", now=T0) == 0
    with sqlite3.connect(db) as raw:
        rows = raw.execute("SELECT url, checked_at, status, code, run_id FROM checks").fetchall()
    assert rows == [("https://x.example/", T0, "ok", 200, "r1")]


def test_history_persists_and_unknown_statuses_are_ignored(db: Path) -> None:
    with LinkHistory.open(db) as history:
        history.record([make(URL, "ok", 200)], run_id="a", now=T0)
    with sqlite3.connect(db) as raw:
        raw.execute(
            "INSERT INTO checks (url, checked_at, status, detail, run_id)"
            " VALUES (?, ?, 'teapot', '', 'x')",
            (URL, T0 + 1),
        )
    with LinkHistory.open(db) as history:
        assert history.since_last_success([URL, "https://none.example/"], now=T0 + 2) == {
            URL: [
                HistoryEntry(URL, T0, "ok", 200, None, "", "a"),
            ]
        }
        # the newest check is not understood, so the older success is not reused either
        assert history.fresh([ExternalLink(URL, ())], now=T0 + 2) == {}


def test_prune_keeps_what_the_policy_needs(db: Path) -> None:
    other = "https://other.example/"
    with LinkHistory.open(db) as history:
        history.record([make(URL, "ok", 200), timeout(other)], run_id="a", now=T0)
        history.record([make(URL, "ok", 200), timeout(other)], run_id="b", now=T0 + DAY)
        history.record([timeout()], run_id="c", now=T0 + 2 * DAY)
        assert history.prune(now=T0 + 100 * DAY, keep_seconds=90 * DAY) == 3
        kept = history.since_last_success([URL], now=T0 + 100 * DAY)
    assert [(e.run_id, e.status) for e in kept[URL]] == [("b", "ok"), ("c", "timeout")]


CORRUPT_CASES = [
    pytest.param(
        b"this is not a database, just text" * 40,
        "file is not a database",
        id="garbage",
    ),
    pytest.param(b"SQLite format 3\x00" + b"\xff" * 84, "file is not a database", id="bad-header"),
]


@pytest.mark.parametrize(("content", "reason"), CORRUPT_CASES)
def test_corrupt_file_is_reported_not_raised(db: Path, content: bytes, reason: str) -> None:
    db.parent.mkdir(parents=True)
    db.write_bytes(content)
    with pytest.raises(CacheError) as caught:
        LinkHistory.open(db)
    assert str(caught.value) == (
        f"the link cache {db} is unusable ({reason}); continuing without it"
        " (delete the file or pass --no-cache to silence this)"
    )
    assert db.read_bytes() == content, "a corrupt file is left alone"


def test_empty_file_is_a_new_history(db: Path) -> None:
    db.parent.mkdir(parents=True)
    db.write_bytes(b"")
    with LinkHistory.open(db) as history:
        assert history.fresh([ExternalLink(URL, ())], now=T0) == {}


def test_directory_in_the_way(db: Path) -> None:
    db.mkdir(parents=True)
    with pytest.raises(CacheError, match="is unusable"):
        LinkHistory.open(db)


def test_newer_schema_is_refused(db: Path) -> None:
    LinkHistory.open(db).close()
    with sqlite3.connect(db) as raw:
        raw.execute("UPDATE schema_version SET version = ?", (SCHEMA_VERSION + 1,))
    with pytest.raises(CacheError) as caught:
        LinkHistory.open(db)
    assert str(caught.value) == (
        f"the link cache {db} has schema version {SCHEMA_VERSION + 1}, newer than this"
        f" clawdemy understands ({SCHEMA_VERSION}); continuing without it"
    )


def test_errors_after_open_become_cache_errors(db: Path) -> None:
    history = LinkHistory.open(db)
    history.close()
    with pytest.raises(CacheError) as reading:
        history.fresh([ExternalLink(URL, ())], now=T0)
    assert str(reading.value) == (
        f"cannot read the link cache {db} (Cannot operate on a closed database.)"
    )
    with pytest.raises(CacheError) as saving:
        history.record([timeout()], run_id="r", now=T0)
    assert str(saving.value) == (
        f"cannot save the link cache {db} (Cannot operate on a closed database.)"
    )


def test_concurrent_runs_do_not_lose_checks(db: Path) -> None:
    LinkHistory.open(db).close()
    failures: list[BaseException] = []

    def one_run(n: int) -> None:
        try:
            with LinkHistory.open(db) as history:
                for i in range(25):
                    results = [make(f"https://e.example/{n}/{i}/{k}", "ok", 200) for k in range(4)]
                    history.record(results, run_id=f"run-{n}", now=T0 + i)
        except BaseException as exc:  # collected and asserted below
            failures.append(exc)

    threads = [threading.Thread(target=one_run, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    with sqlite3.connect(db) as raw:
        assert raw.execute("SELECT COUNT(*) FROM checks").fetchone() == (4 * 25 * 4,)


def test_run_ids_are_unique() -> None:
    ids = {new_run_id() for _ in range(100)}
    assert len(ids) == 100
    assert all(len(i) == 32 for i in ids)

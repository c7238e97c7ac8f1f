"""`links:` in site.yml: the link checker's settings, checked like every other field."""

from __future__ import annotations

import re
from typing import cast

from clawdemy_site.content.fields import Field, Kind, Problems, describe, read_mapping
from clawdemy_site.content.models import LinksConfig
from clawdemy_site.content.yamlnodes import YMap, YScalar, YSeq, YValue

LINKS_SCHEMA = {
    "exclude": Field(
        Kind.TEXT_LIST, "Regular expressions: a URL that matches one is not checked (`excluded`)."
    ),
    "accept": Field(Kind.ANY, "HTTP status codes counted as ok: one, or a list."),
    "timeout": Field(Kind.ANY, "Seconds for each attempt, connect to last byte (default 20)."),
    "max_age": Field(Kind.ANY, "Seconds a success is reused before the URL is fetched again."),
    "flaky_runs": Field(
        Kind.POSITIVE,
        "A link that used to work is excused as flaky until it fails in this many runs"
        " in a row (default 2).",
    ),
    "flaky_hours": Field(
        Kind.ANY,
        "A link that used to work is excused as flaky until its first failure in a row"
        " is this many hours old (default 24).",
    ),
    "hosts": Field(Kind.ANY, "Settings by host name: `concurrency` and `headers`."),
    "unverifiable": Field(
        Kind.TEXT,
        "What a bot wall (a challenge page instead of the page) does to the run: warn or fail.",
    ),
    "doi_api": Field(
        Kind.URL, "The DOI handle API that doi.org links are checked through."
    ),
    "archive_api": Field(
        Kind.URL, "The Wayback Machine availability API asked by --suggest-archive."
    ),
}
UNVERIFIABLE_CHOICES = ("warn", "fail")
HOST_SCHEMA = {
    "concurrency": Field(Kind.WHOLE, "Requests at once to this host."),
    "headers": Field(Kind.ANY, "Request headers sent to this host, by name."),
}


def _positive_number(
    value: YValue, name: str, problems: Problems, *, unit: str = "seconds"
) -> float | None:
    raw = value.value if isinstance(value, YScalar) else None
    if isinstance(raw, int | float) and not isinstance(raw, bool) and raw > 0:
        return float(raw)
    problems.add(
        value.pos, f"`links.{name}` must be a positive number of {unit}, not {describe(value)}"
    )
    return None


def read_links_config(value: YValue, problems: Problems) -> LinksConfig | None:
    if not isinstance(value, YMap):
        problems.add(value.pos, f"`links` must be a mapping, not {describe(value)}")
        return None
    checked = read_mapping(value, LINKS_SCHEMA, (), what="`links`", problems=problems)
    # Go on after a bad key, so every problem of `links:` is reported in one run.
    ok = checked is not None
    exclude_value = value.get("exclude")
    exclude = (
        cast("tuple[str, ...]", checked.get("exclude", ()))
        if checked is not None
        else tuple(  # kinds already reported by read_mapping; check the patterns anyway
            item.value
            for item in (exclude_value.items if isinstance(exclude_value, YSeq) else ())
            if isinstance(item, YScalar) and isinstance(item.value, str)
        )
    )
    for pattern in exclude:
        try:
            re.compile(pattern)
        except re.error as exc:
            assert exclude_value is not None
            problems.add(
                exclude_value.pos,
                f"`links.exclude` pattern `{pattern}` is not a valid regular expression: {exc}",
            )
            ok = False
    accept: list[int] = []
    accept_value = value.get("accept")
    if accept_value is not None:
        items = accept_value.items if isinstance(accept_value, YSeq) else (accept_value,)
        for item in items:
            raw = item.value if isinstance(item, YScalar) else None
            if isinstance(raw, int) and not isinstance(raw, bool) and 100 <= raw <= 599:
                accept.append(raw)
            else:
                problems.add(
                    item.pos,
                    f"`links.accept` takes HTTP status codes (100 to 599), not {describe(item)}",
                )
                ok = False
    timeout = max_age = None
    if (timeout_value := value.get("timeout")) is not None:
        timeout = _positive_number(timeout_value, "timeout", problems)
        ok = ok and timeout is not None
    if (age_value := value.get("max_age")) is not None:
        max_age = _positive_number(age_value, "max_age", problems)
        ok = ok and max_age is not None
    flaky_seconds = None
    if (hours_value := value.get("flaky_hours")) is not None:
        hours = _positive_number(hours_value, "flaky_hours", problems, unit="hours")
        flaky_seconds = hours * 3600 if hours is not None else None
        ok = ok and hours is not None
    hosts = _read_hosts(value.get("hosts"), problems)
    unverifiable = checked.get("unverifiable", "warn") if checked is not None else "warn"
    if unverifiable not in UNVERIFIABLE_CHOICES:
        place = value.get("unverifiable")
        assert place is not None
        problems.add(
            place.pos,
            f"`links.unverifiable` must be `warn` or `fail`, not `{unverifiable}`",
        )
        ok = False
    if not ok or hosts is None or checked is None:
        return None
    return LinksConfig(
        exclude=exclude,
        accept=tuple(accept),
        timeout=timeout,
        max_age=max_age,
        hosts=hosts,
        flaky_runs=cast("int | None", checked.get("flaky_runs")),
        flaky_seconds=flaky_seconds,
        unverifiable_fails=unverifiable == "fail",
        doi_api=cast("str | None", checked.get("doi_api")),
        archive_api=cast("str | None", checked.get("archive_api")),
    )


def _read_hosts(
    value: YValue | None, problems: Problems
) -> tuple[tuple[str, int | None, tuple[tuple[str, str], ...]], ...] | None:
    if value is None:
        return ()
    if not isinstance(value, YMap):
        problems.add(
            value.pos, f"`links.hosts` must map host names to settings, not {describe(value)}"
        )
        return None
    hosts = []
    ok = True
    for key, settings in value.entries:
        if not isinstance(settings, YMap):
            problems.add(
                settings.pos,
                f"`links.hosts.{key.name}` must be a mapping, not {describe(settings)}",
            )
            ok = False
            continue
        fields = read_mapping(
            settings, HOST_SCHEMA, (), what=f"`links.hosts.{key.name}`", problems=problems
        )
        headers: list[tuple[str, str]] = []
        headers_value = settings.get("headers")
        if isinstance(headers_value, YMap):
            for header, header_value in headers_value.entries:
                if isinstance(header_value, YScalar) and isinstance(header_value.value, str | int):
                    headers.append((header.name, str(header_value.value)))
                else:
                    problems.add(
                        header_value.pos,
                        f"header `{header.name}` must be text, not {describe(header_value)}",
                    )
                    ok = False
        elif headers_value is not None:
            problems.add(
                headers_value.pos,
                f"`headers` must map header names to text, not {describe(headers_value)}",
            )
            ok = False
        if fields is None:
            ok = False
            continue
        concurrency = cast("int | None", fields.get("concurrency"))
        hosts.append((key.name.lower(), concurrency, tuple(headers)))
    return tuple(hosts) if ok else None

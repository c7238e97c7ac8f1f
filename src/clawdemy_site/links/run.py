"""One `check-links` run: content -> links -> (cache, check, flaky policy) -> results.

The CLI parses flags into `LinkRunOptions`; this module does the work and
returns results for a formatter. Progress and warnings go to a callback,
so standard output carries only the report.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import urlsplit

from clawdemy_site.build import check_content
from clawdemy_site.content.models import Site
from clawdemy_site.engine import EngineResult
from clawdemy_site.errors import ContentError
from clawdemy_site.links.extract import external_links
from clawdemy_site.links.flaky import FlakyPolicy, HistoryEntry, failing_since
from clawdemy_site.links.internal import LinkOrigin, judge_internal
from clawdemy_site.links.model import (
    FAILING,
    CheckOptions,
    ExternalLink,
    HostPolicy,
    LinkResult,
    SourceRef,
)
from clawdemy_site.links.prefork import Checker, start_checker
from clawdemy_site.links.status import Broken
from clawdemy_site.plan import lesson_page_id, print_page_id

Say = Callable[[str], None]
#: Told (links done, links in all) as external links are checked.
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class LinkRunOptions:
    content_dir: Path
    templates_dir: Path
    out_dir: Path
    offline: bool = False
    check: CheckOptions = field(default_factory=CheckOptions)
    #: The SQLite history, or None for --no-cache.
    cache_path: Path | None = None
    drafts: bool = False
    #: --timeout, which wins over `links.timeout` in site.yml; None when not given.
    timeout: float | None = None
    #: --strict: `unverifiable` fails the run and an archived copy excuses nothing.
    strict: bool = False
    #: --fail-on new: only failures new since the previous run fail it.
    fail_on_new: bool = False
    #: --suggest-archive: look up a Wayback snapshot for each dead link.
    suggest_archive: bool = False
    #: --changed-since REF: fetch only links on lines changed since this git ref.
    changed_since: str | None = None
    #: --shard K/N: check only the external URLs whose host falls in shard K of N.
    shard: tuple[int, int] | None = None


def _check_options(site: Site, options: CheckOptions, *, timeout: float | None) -> CheckOptions:
    """Flags, completed by `links:` in site.yml; `timeout` is --timeout, if given."""
    config = site.config.links
    hosts = tuple(
        (host, HostPolicy(concurrency, headers)) for host, concurrency, headers in config.hosts
    )
    return replace(
        options,
        timeout=timeout or config.timeout or options.timeout,
        exclude=options.exclude + config.exclude,
        accept=options.accept | frozenset(config.accept),
        hosts=options.hosts + hosts,
        doi_api=config.doi_api or options.doi_api,
    )


_EXTENDS = re.compile(r"""{%-?\s*extends\s+["']([^"']+)["']""")


def template_locator(
    templates_dir: Path, template_of: dict[str, str]
) -> Callable[[str, str, str | None], SourceRef]:
    """Finds the template line that wrote a link on a built page, by the address it names."""
    import jinja2

    from clawdemy_site.render.templates import make_environment

    env = make_environment(templates_dir)  # the build's loader says where a name is read
    texts: dict[str, tuple[Path, list[str]]] = {}

    def read(name: str) -> tuple[Path, list[str]]:
        if name not in texts:
            assert env.loader is not None
            try:
                source, filename, _ = env.loader.get_source(env, name)
                texts[name] = (Path(filename or templates_dir / name), source.splitlines())
            except (jinja2.TemplateNotFound, OSError):
                texts[name] = (templates_dir / name, [])
        return texts[name]

    def file_of(name: str) -> Path:
        return read(name)[0]

    def lines(name: str) -> list[str]:
        return read(name)[1]

    def chain(name: str) -> list[str]:
        names = [name]
        while len(names) < 10 and (found := _EXTENDS.search("\n".join(lines(names[-1])))):
            names.append(found.group(1))
        return names

    found: dict[tuple[str, str, str | None], SourceRef] = {}

    def locate(page: str, href: str, target: str | None) -> SourceRef:
        template = template_of.get(page, "base.html")
        address = None
        if target is not None and not href.startswith("#"):
            address = target.removesuffix("index.html")
        # Pages made by one template share most links (the style sheet, the home page):
        # each is looked for once.
        key = (template, href, address)
        if key not in found:
            found[key] = search(template, href, address)
        return found[key]

    def search(template: str, href: str, address: str | None) -> SourceRef:
        needles = [href]
        if address is not None:
            needles += [f"'{address}'", f'"{address}"']
        for name in chain(template):
            for number, text in enumerate(lines(name), start=1):
                if any(needle in text for needle in needles):
                    return SourceRef(os.path.relpath(file_of(name)), number)
        return SourceRef(os.path.relpath(file_of(template)), 1)

    return locate


def internal_results(checked: EngineResult, options: LinkRunOptions) -> list[LinkResult]:
    """Every internal link and `#fragment` of the site as the engine planned and rendered it:
    from the ids and links recorded for each page, without writing or re-reading HTML."""
    site, plan = checked.site, checked.plan
    assert site is not None and plan is not None
    origins: dict[tuple[str, str], LinkOrigin] = {}
    paths = {lesson.source: lesson.path for track in site.tracks for lesson in track.lessons}
    for source, record in checked.bodies.items():
        page = plan.by_id.get(lesson_page_id(source))
        if page is None:
            continue
        place = plan.lessons[source]
        printed = plan.by_id[print_page_id(place.track)]
        for link in record.body.internal_links:
            # The track's printable page carries the body too, its own `#ids` prefixed.
            in_print = (
                f"#lesson-{place.number}-{link.href[1:]}"
                if link.href.startswith("#")
                else link.href
            )
            for key in ((page.file, link.href), (printed.file, in_print)):
                known = origins[key].sources if key in origins else ()
                written = SourceRef(paths[source], link.line)
                origins[key] = LinkOrigin(link.written, (*known, written))
    template_of = {page.file: page.template for page in plan.pages}
    locate = template_locator(options.templates_dir, template_of)
    base_path = urlsplit(site.config.base_url).path or "/"
    scans = {record.file: record for record in checked.pages.values()}
    files = frozenset(scans) | frozenset(checked.generated) | frozenset(checked.copies)
    return judge_internal(scans, files, origins=origins, locate=locate, base_path=base_path)


def flaky_policy(site: Site) -> FlakyPolicy:
    config = site.config.links
    default = FlakyPolicy()
    return FlakyPolicy(
        min_failed_runs=config.flaky_runs or default.min_failed_runs,
        min_span_seconds=config.flaky_seconds or default.min_span_seconds,
    )


def external_results(
    site: Site,
    links: tuple[ExternalLink, ...],
    options: LinkRunOptions,
    say: Say,
    progress: Progress | None = None,
    *,
    checker: Checker | None = None,
    meanwhile: Callable[[], None] = lambda: None,
) -> list[LinkResult]:
    """The external links' results. The links to fetch go to `checker` (a forked checker
    process) when there is one, else they are checked here; `meanwhile` is called once,
    while they are being fetched."""
    from clawdemy_site.links.cache import DEFAULT_MAX_AGE, CacheError, LinkHistory, new_run_id

    check = _check_options(site, options.check, timeout=options.timeout)
    chosen, skipped = _select(links, options, say)
    max_age = site.config.links.max_age or DEFAULT_MAX_AGE
    now = time.time()
    history = None
    if options.cache_path is not None:
        try:
            history = LinkHistory.open(options.cache_path)
        except CacheError as exc:
            say(f"warning: {exc}")
    try:
        cached: dict[str, LinkResult] = {}
        if history is not None:
            try:
                cached = history.fresh(chosen, now=now, max_age=max_age)
            except CacheError as exc:
                say(f"warning: {exc}")
        to_check = [link for link in chosen if link.url not in cached]
        if cached:
            say(f"{len(cached)} links reused from the cache; checking {len(to_check)}")
        checked = _fetch(to_check, check, progress, checker=checker, meanwhile=meanwhile)
        if history is not None:
            try:
                checked = history.apply_flaky_policy(checked, now=now, policy=flaky_policy(site))
                checked = _novelty(checked, history.checks(_failing(checked), now=now), now)
                history.record(checked, run_id=new_run_id(), now=now)
                history.prune(now=now)
            except CacheError as exc:
                say(f"warning: {exc}")
        results = _verdicts([*cached.values(), *checked], site, options, check, chosen)
        return [*results, *skipped]
    finally:
        if history is not None:
            history.close()


def _select(
    links: tuple[ExternalLink, ...], options: LinkRunOptions, say: Say
) -> tuple[list[ExternalLink], list[LinkResult]]:
    """The links this run fetches (`--shard`, `--changed-since`), and `skipped` results."""
    from clawdemy_site.links.select import NotARepository, changed_lines, in_shard, split_changed

    chosen = list(links) if options.shard is None else in_shard(links, options.shard)
    if options.changed_since is None:
        return chosen, []
    try:
        changed = changed_lines(options.changed_since, options.content_dir)
    except NotARepository as exc:
        say(
            f"warning: --changed-since: {options.content_dir} is not in a git repository"
            f" ({exc}): checking every link"
        )
        return chosen, []
    return split_changed(chosen, changed, options.changed_since)


def _failing(results: list[LinkResult]) -> list[str]:
    return [r.url for r in results if r.status in FAILING]


def _novelty(
    results: list[LinkResult], history: dict[str, list[HistoryEntry]], now: float
) -> list[LinkResult]:
    """Each failure marked new (or not) since the previous run, with when it began."""
    judged = []
    for result in results:
        if result.status not in FAILING:
            judged.append(result)
            continue
        since = failing_since(history.get(result.url, ()))
        judged.append(replace(result, new=since is None, failing_since=since or now))
    return judged


def _verdicts(
    results: list[LinkResult],
    site: Site,
    options: LinkRunOptions,
    check: CheckOptions,
    links: list[ExternalLink],
) -> list[LinkResult]:
    """Apply what decides whether a failure fails the run: `--strict` and
    `links.unverifiable` for bot walls, `archived:` copies, `--fail-on new`; then attach
    Wayback suggestions (`--suggest-archive`). The HTTP client is imported here only when
    something must be fetched: the checks themselves may have run in a forked process."""
    walls_fail = options.strict or site.config.links.unverifiable_fails
    if walls_fail:
        results = [replace(r, strict=True) if r.status == "unverifiable" else r for r in results]
    archived = {link.url: link.archived for link in links if link.archived is not None}
    if any(r.fails_run and r.url in archived for r in results):
        from clawdemy_site.links.archive import apply_fallbacks

        results = apply_fallbacks(
            results,
            archived,
            lambda copies: _fetch(list(copies), check, None),
            strict=options.strict,
        )
    if options.fail_on_new:
        results = [
            replace(r, excused="a known failure (--fail-on new)")
            if r.fails_run and r.new is False and r.failing_since is not None
            else r
            for r in results
        ]
    if options.suggest_archive:
        from clawdemy_site.links.archive import DEFAULT_API, suggest
        from clawdemy_site.links.check import fetch_bodies

        api = site.config.links.archive_api or DEFAULT_API
        results = suggest(results, api, lambda urls: fetch_bodies(urls, check))
    return results


def _fetch(
    links: list[ExternalLink],
    check: CheckOptions,
    progress: Progress | None,
    *,
    checker: Checker | None = None,
    meanwhile: Callable[[], None] = lambda: None,
) -> list[LinkResult]:
    """Check `links` (in `checker` when given), calling `meanwhile` while they are fetched."""
    done = 0

    def step(_result: LinkResult) -> None:
        nonlocal done
        done += 1
        if progress is not None:
            progress(done, len(links))

    if links and checker is not None:
        checker.submit(links, check)  # fetched meanwhile
    meanwhile()
    if not links:
        return []
    if checker is not None:
        return checker.collect(step)
    from clawdemy_site.links.check import run_checks

    return run_checks(links, check, step)


def unpublishable_links(checked: EngineResult) -> list[LinkResult]:
    """Body links that name nothing the build can publish: broken, where they are written."""
    return [
        LinkResult(
            url=broken.written,
            state=Broken(detail=broken.diagnostic.message),
            sources=(SourceRef(broken.diagnostic.path, broken.diagnostic.line),),
        )
        for record in checked.bodies.values()
        for broken in record.body.broken_links
    ]


def run_link_check(
    options: LinkRunOptions,
    say: Say,
    progress: Progress | None = None,
    *,
    checker: Checker | None = None,
) -> list[LinkResult]:
    """Every result of this run: internal links, then external ones (unless offline).

    `checker` is a forked checker process (`prefork.start_checker`) to fetch in; without
    one, one is forked here (so that it imports the HTTP client while the site is read),
    where forking is safe. Either way it is ended before this returns."""
    if checker is None and not options.offline:
        checker = start_checker()
    try:
        checked = check_content(
            options.content_dir, options.templates_dir, drafts=options.drafts, links_only=True
        )
        if checked.site is None:
            raise ContentError(checked.diagnostics)
        results = unpublishable_links(checked)
        if options.offline:
            results += internal_results(checked, options)
        else:
            internal: list[LinkResult] = []

            def judge_internal_links() -> None:
                internal.extend(internal_results(checked, options))

            links = external_links(checked.site, checked.bodies)
            results += external_results(
                checked.site,
                links,
                options,
                say,
                progress,
                checker=checker,
                meanwhile=judge_internal_links,
            )
            results += internal
    finally:
        if checker is not None:
            checker.close()
    return sorted(results, key=lambda result: (result.url, result.sources))

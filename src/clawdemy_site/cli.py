"""The `clawdemy` command: parse options, call one function, map the outcome to an exit code."""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import click

from clawdemy_site.errors import ContentError, format_report
from clawdemy_site.outguard import refuse_out_dir

if TYPE_CHECKING:
    from clawdemy_site.links.model import LinkResult

DIR = click.Path(file_okay=False, path_type=Path)
#: A folder that must exist: a missing one is wrong usage (exit 2), said by click.
EXISTING_DIR = click.Path(exists=True, file_okay=False, path_type=Path)


def guard_out(out: Path, content: Path, templates: Path, *, replacing: bool = True) -> None:
    reason = refuse_out_dir(
        out,
        sources={"content folder": content, "templates folder": templates},
        roots={"project root": content.resolve().parent, "current folder": Path.cwd()},
        home=Path.home(),
        replacing=replacing,
    )
    if reason:
        raise click.BadParameter(f"{reason}; choose another output folder", param_hint="--out")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="clawdemy-site")
def main() -> None:
    """Clawdemy: build a course site of lessons that cite what they mirror."""


@main.command()
@click.option("--content", "content", type=EXISTING_DIR, default=Path("content"), show_default=True)
@click.option(
    "--templates", "templates", type=EXISTING_DIR, default=Path("templates"), show_default=True
)
@click.option("--out", "out", type=DIR, default=Path("build"), show_default=True)
@click.option("--drafts", is_flag=True, help="Publish lessons marked `draft: true`.")
@click.option("--strict", is_flag=True, help="Fail on warnings too.")
def build(content: Path, templates: Path, out: Path, drafts: bool, strict: bool) -> None:
    """Build the site from CONTENT and TEMPLATES into OUT."""
    from clawdemy_site.build import BuildOptions, build_site

    guard_out(out, content, templates)
    result = build_site(BuildOptions(content, templates, out, drafts=drafts, strict=strict))
    if result.warnings:
        click.echo(format_report(result.warnings), err=True)
    lessons = sum(len(track.lessons) for track in result.site.tracks)
    tracks = len(result.site.tracks)
    click.echo(
        f"built {result.pages} pages ({lessons} lesson{'s' * (lessons != 1)}"
        f" in {tracks} track{'s' * (tracks != 1)}) into {out}",
        err=True,
    )


@main.command()
@click.option("--content", "content", type=EXISTING_DIR, default=Path("content"), show_default=True)
@click.option("--drafts", is_flag=True, help="Check as a build with --drafts would.")
@click.option("--strict", is_flag=True, help="Fail on warnings too.")
def check(content: Path, drafts: bool, strict: bool) -> None:
    """Validate the content; write nothing."""
    from clawdemy_site.build import check_content

    diagnostics = check_content(content, drafts=drafts).diagnostics
    if any(d.severity == "error" for d in diagnostics) or (strict and diagnostics):
        raise ContentError(diagnostics, strict=strict)
    if diagnostics:
        click.echo(format_report(diagnostics), err=True)
    click.echo("content is valid", err=True)


FORMATS = ("text", "json", "github", "markdown")


def _shard(_ctx: click.Context, _param: click.Parameter, value: str | None) -> object:
    """`K/N` -> (K, N), 1 <= K <= N."""
    if value is None:
        return None
    k, slash, n = value.partition("/")
    if slash and k.isdigit() and n.isdigit() and 1 <= int(k) <= int(n):
        return int(k), int(n)
    raise click.BadParameter(f"`{value}` is not K/N with 1 <= K <= N (e.g. 2/4)")


@main.group("check-links", invoke_without_command=True)
@click.option("--content", "content", type=DIR, default=Path("content"), show_default=True)
@click.option("--templates", "templates", type=DIR, default=Path("templates"), show_default=True)
@click.option("--out", "out", type=DIR, default=Path("build"), show_default=True)
@click.option("--offline", is_flag=True, help="Check only internal links and anchors.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True)
@click.option("--max-concurrency", type=click.IntRange(1, 1024), default=64, show_default=True)
@click.option("--host-concurrency", type=click.IntRange(1, 256), default=8, show_default=True)
@click.option(
    "--timeout",
    type=click.FloatRange(0.1, 600),
    default=None,
    help="Seconds for each attempt, connect to last byte [default: 20, or links.timeout].",
)
@click.option("--retries", type=click.IntRange(0, 10), default=2, show_default=True)
@click.option("--allow-private", is_flag=True, help="Fetch private, loopback and link-local hosts.")
@click.option("--cache", "cache", type=click.Path(dir_okay=False, path_type=Path), default=None)
@click.option("--no-cache", is_flag=True, help="Neither read nor write the link history.")
@click.option("--user-agent", default=None, help="The User-Agent header sent to hosts.")
@click.option("--drafts", is_flag=True, help="Check drafts too.")
@click.option(
    "--strict",
    is_flag=True,
    help="Links behind a bot wall fail the run, and an archived copy excuses nothing.",
)
@click.option(
    "--fail-on",
    type=click.Choice(["new", "all"]),
    default="all",
    show_default=True,
    help="`new`: only failures new since the previous run fail it.",
)
@click.option(
    "--suggest-archive",
    is_flag=True,
    help="Suggest a Wayback Machine snapshot for each broken or unreachable link.",
)
@click.option(
    "--changed-since",
    metavar="REF",
    default=None,
    help="Fetch only links on lines added or changed since git REF; the others are `skipped`.",
)
@click.option(
    "--shard",
    metavar="K/N",
    callback=_shard,
    default=None,
    help="Check only the external URLs of shard K of N (split by host).",
)
@click.pass_context
def check_links(
    ctx: click.Context,
    content: Path,
    templates: Path,
    out: Path,
    offline: bool,
    fmt: str,
    max_concurrency: int,
    host_concurrency: int,
    timeout: float | None,
    retries: int,
    allow_private: bool,
    cache: Path | None,
    no_cache: bool,
    user_agent: str | None,
    drafts: bool,
    strict: bool,
    fail_on: str,
    suggest_archive: bool,
    changed_since: str | None,
    shard: tuple[int, int] | None,
) -> None:
    """Check every cited URL and every internal link; report where each bad one is written.

    `check-links merge A.json B.json ...` joins the JSON reports of shards into one.
    """
    if ctx.invoked_subcommand is not None:
        return
    # Checked here, not by the option types, so that `check-links merge` needs no site.
    for path, hint in ((content, "'--content'"), (templates, "'--templates'")):
        if not path.is_dir():
            raise click.BadParameter(f"Directory '{path}' does not exist.", param_hint=hint)
    from clawdemy_site.links.cache import DEFAULT_PATH
    from clawdemy_site.links.model import CheckOptions
    from clawdemy_site.links.run import LinkRunOptions, run_link_check

    if cache is not None and no_cache:
        raise click.UsageError("--cache and --no-cache cannot be used together")
    guard_out(out, content, templates, replacing=False)
    cache_path = None if no_cache else cache or content.resolve().parent / DEFAULT_PATH
    check = CheckOptions(
        max_concurrency=max_concurrency,
        host_concurrency=host_concurrency,
        retries=retries,
        allow_private=allow_private,
    )
    if user_agent:
        check = replace(check, user_agent=user_agent)
    options = LinkRunOptions(
        content_dir=content,
        templates_dir=templates,
        out_dir=out,
        offline=offline,
        check=check,
        cache_path=cache_path,
        drafts=drafts,
        timeout=timeout,
        strict=strict,
        fail_on_new=fail_on == "new",
        suggest_archive=suggest_archive,
        changed_since=changed_since,
        shard=shard,
    )
    from clawdemy_site.links.select import BadRef

    try:
        results = run_link_check(
            options,
            lambda message: click.echo(message, err=True),
            _progress_bar if sys.stderr.isatty() else None,
        )
    except BadRef as exc:
        raise click.BadParameter(str(exc), param_hint="--changed-since") from exc
    if sys.stderr.isatty():
        click.echo("\r\033[K", nl=False, err=True)
    report(results, fmt)


@check_links.command("merge")
@click.argument(
    "reports", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True)
def merge_reports(reports: tuple[Path, ...], fmt: str) -> None:
    """Join the `--format json` reports of shards (REPORTS) and report them as one run."""
    from clawdemy_site.links.merge import MergeError, merge

    try:
        results = merge(reports)
    except MergeError as exc:
        raise click.ClickException(str(exc)) from exc
    report(results, fmt)


def _progress_bar(done: int, total: int) -> None:
    width = 30
    filled = width * done // max(total, 1)
    bar = "#" * filled + "-" * (width - filled)
    click.echo(f"\r[{bar}] {done}/{total} links checked", nl=False, err=True)


def report(results: list[LinkResult], fmt: str) -> None:
    from clawdemy_site.links import report as formats

    summary = formats.summarize(results)
    if fmt == "json":
        text = formats.format_json(results, summary)
    elif fmt == "github":
        text = formats.format_github(results, summary)
    elif fmt == "markdown":
        text = formats.format_markdown(results, summary)
    else:
        text = formats.format_text(results, summary, color=sys.stdout.isatty())
    click.echo(text)
    if summary.exit_code:
        sys.exit(summary.exit_code)

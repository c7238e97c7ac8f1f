"""The `clawdemy` command: parse options, call one function, map the outcome to an exit code."""

from __future__ import annotations

import os
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import click

from clawdemy_site.console import EXIT_CODES, detail, output_options, say, show_progress, use_color
from clawdemy_site.errors import ContentError, format_report, no_content_folder
from clawdemy_site.outguard import refuse_out_dir

if TYPE_CHECKING:
    from clawdemy_site.links.model import LinkResult

DIR = click.Path(file_okay=False, path_type=Path)
#: A folder that must exist: a missing one is wrong usage (exit 2), said by click.
EXISTING_DIR = click.Path(exists=True, file_okay=False, path_type=Path)


class ContentDir(click.Path):
    """--content: a folder that must exist; a missing one is wrong usage (exit 2), said
    with the two ways on: start a site here, or name the content folder."""

    def __init__(self) -> None:
        super().__init__(file_okay=False, path_type=Path)

    def convert(
        self,
        value: str | os.PathLike[str],
        param: click.Parameter | None,
        ctx: click.Context | None,
    ) -> str | bytes | os.PathLike[str]:
        path = super().convert(value, param, ctx)
        if not os.path.isdir(path):
            self.fail(no_content_folder(os.fsdecode(path)), param, ctx)
        return path


#: --content for the commands that read a site's content (`check-links` checks its own).
content_option = click.option(
    "--content", "content", type=ContentDir(), default=Path("content"), show_default=True
)


templates_option = click.option(
    "--templates",
    "templates",
    type=EXISTING_DIR,
    default=None,
    help="Templates that override the packaged theme by name"
    " [default: ./templates if it exists, else the packaged theme].",
)


def resolve_templates(templates: Path | None) -> Path:
    """--templates, else ./templates when the site has one, else the theme clawdemy ships."""
    if templates is not None:
        return templates
    if Path("templates").is_dir():
        return Path("templates")
    from clawdemy_site.packaged import theme_dir

    return theme_dir()


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


@click.group(context_settings={"help_option_names": ["-h", "--help"]}, epilog=EXIT_CODES)
@click.version_option(package_name="clawdemy-site", prog_name="clawdemy")
def main() -> None:
    """Clawdemy: build a course site of lessons that cite what they mirror.

    Start a site with `clawdemy init`, add lessons with `clawdemy new lesson`, and
    build it with `clawdemy build`. NO_COLOR turns colour off.
    """


@main.command(epilog=EXIT_CODES)
@output_options
@content_option
@templates_option
@click.option("--out", "out", type=DIR, default=Path("build"), show_default=True)
@click.option("--drafts", is_flag=True, help="Publish lessons marked `draft: true`.")
@click.option("--strict", is_flag=True, help="Fail on warnings too.")
@click.option("--no-search", is_flag=True, help="Do not write the search index (search/).")
def build(
    content: Path, templates: Path | None, out: Path, drafts: bool, strict: bool, no_search: bool
) -> None:
    """Build the site from CONTENT and TEMPLATES into OUT."""
    from clawdemy_site.build import BuildOptions, build_site

    started = time.perf_counter()
    templates = resolve_templates(templates)
    detail(f"templates: {templates}")
    guard_out(out, content, templates)
    result = build_site(
        BuildOptions(content, templates, out, drafts=drafts, strict=strict, search=not no_search),
        lambda message: click.echo(message, err=True),
    )
    if result.warnings:
        click.echo(format_report(result.warnings), err=True)
    lessons, tracks = result.lessons, result.tracks
    say(
        f"built {result.pages} pages ({lessons} lesson{'s' * (lessons != 1)}"
        f" in {tracks} track{'s' * (tracks != 1)}) into {out}"
    )
    detail(f"{result.files} files written in {time.perf_counter() - started:.2f} s")


@main.command(epilog=EXIT_CODES)
@output_options
@content_option
@templates_option
@click.option("--drafts", is_flag=True, help="Check as a build with --drafts would.")
@click.option("--strict", is_flag=True, help="Fail on warnings too.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(("text", "json", "github")),
    default="text",
    show_default=True,
    help="text: diagnostics on standard error; json and github: the report on standard output.",
)
def check(content: Path, templates: Path | None, drafts: bool, strict: bool, fmt: str) -> None:
    """Report every problem a build would, templates included; write nothing."""
    from clawdemy_site.check import check_site, format_github, format_json

    started = time.perf_counter()
    templates = resolve_templates(templates)
    detail(f"templates: {templates}")
    diagnostics = check_site(content, templates, drafts=drafts)
    detail(f"checked in {time.perf_counter() - started:.2f} s")
    failed = any(d.severity == "error" for d in diagnostics) or (strict and bool(diagnostics))
    if fmt != "text":
        click.echo(format_json(diagnostics) if fmt == "json" else format_github(diagnostics))
        if failed:
            raise ContentError(diagnostics, strict=strict, brief=True)
        return
    if failed:
        raise ContentError(diagnostics, strict=strict)
    if diagnostics:
        click.echo(format_report(diagnostics), err=True)
    say("content is valid")


@main.command(epilog=EXIT_CODES)
@output_options
@click.argument("folder", type=DIR, default=Path("."))
@click.option("--title", default="My course", show_default=True, help="The site's title.")
def init(folder: Path, title: str) -> None:
    """Start a site in FOLDER (new or empty): content, schema, CI workflow; print the files."""
    from clawdemy_site.init import init_site

    for path in init_site(folder, title=title):
        click.echo(path)
    where = "" if folder == Path(".") else f"cd {folder} && "
    say(
        f"\nnext: {where}clawdemy serve, then open http://127.0.0.1:8000/;"
        ' add a lesson with `clawdemy new lesson first-steps "Title"`;'
        " clawdemy build --strict writes the site into build/"
    )


@main.group(epilog=EXIT_CODES)
def new() -> None:
    """Start a new lesson or track from a filled-in file."""


@new.command("lesson", epilog=EXIT_CODES)
@output_options
@click.argument("track")
@click.argument("title")
@content_option
@click.option(
    "--slug",
    default=None,
    help="The file name after the number: lowercase words of a-z and 0-9 joined by dashes"
    " [default: made from TITLE's Latin letters and digits].",
)
def new_lesson(track: str, title: str, content: Path, slug: str | None) -> None:
    """Write TRACK's next lesson, titled TITLE, as NN-SLUG.md; print its path."""
    from clawdemy_site.scaffold import new_lesson as create

    click.echo(create(content, track, title, slug=slug))


@new.command("track", epilog=EXIT_CODES)
@output_options
@click.argument("slug")
@click.argument("title")
@content_option
@click.option(
    "--first-lesson",
    default="Introduction",
    show_default=True,
    help="The title of the track's first lesson (a track needs one).",
)
@click.option(
    "--first-lesson-slug",
    default=None,
    help="The first lesson's file name after the number, as `new lesson --slug` takes it"
    " [default: made from its title].",
)
def new_track(
    slug: str, title: str, content: Path, first_lesson: str, first_lesson_slug: str | None
) -> None:
    """Write SLUG/track.yml, titled TITLE, at the next free position, and its first lesson.

    Prints the two paths.
    """
    from clawdemy_site.scaffold import new_track as create

    for path in create(
        content, slug, title, first_lesson=first_lesson, first_lesson_slug=first_lesson_slug
    ):
        click.echo(path)


@main.command(epilog=EXIT_CODES)
@output_options
@click.option(
    "--kind",
    type=click.Choice(("lesson", "track", "site")),
    default="lesson",
    show_default=True,
    help="Lesson front matter, track.yml or site.yml.",
)
def schema(kind: str) -> None:
    """Print the JSON Schema (draft 2020-12) of one kind of file, for editors."""
    import json

    from clawdemy_site.schema import KINDS, json_schema

    (chosen,) = (name for name in KINDS if name == kind)
    click.echo(json.dumps(json_schema(chosen), indent=2, ensure_ascii=False))


@main.command(epilog=EXIT_CODES)
@output_options
@content_option
@templates_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True)
@click.option("--drafts", is_flag=True, help="Show lessons marked `draft: true`.")
def serve(content: Path, templates: Path | None, host: str, port: int, drafts: bool) -> None:
    """Serve the site from memory, rebuild on every change and reload open pages.

    Never writes build/. Stop with Ctrl+C.
    """
    from clawdemy_site.serve import ServeOptions
    from clawdemy_site.serve import serve as run_server

    templates = resolve_templates(templates)
    detail(f"templates: {templates}")
    run_server(ServeOptions(content, templates, host=host, port=port, drafts=drafts), say)


FORMATS = ("text", "json", "github", "markdown")


def _shard(_ctx: click.Context, _param: click.Parameter, value: str | None) -> object:
    """`K/N` -> (K, N), 1 <= K <= N."""
    if value is None:
        return None
    k, slash, n = value.partition("/")
    if slash and k.isdigit() and n.isdigit() and 1 <= int(k) <= int(n):
        return int(k), int(n)
    raise click.BadParameter(f"`{value}` is not K/N with 1 <= K <= N (e.g. 2/4)")


@main.group("check-links", invoke_without_command=True, epilog=EXIT_CODES)
@output_options
@click.option("--content", "content", type=DIR, default=Path("content"), show_default=True)
@click.option(
    "--templates",
    "templates",
    type=DIR,
    default=None,
    help="Templates that override the packaged theme by name"
    " [default: ./templates if it exists, else the packaged theme].",
)
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
    templates: Path | None,
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
    if not content.is_dir():
        raise click.BadParameter(no_content_folder(content), param_hint="'--content'")
    if templates is not None and not templates.is_dir():
        raise click.BadParameter(
            f"Directory '{templates}' does not exist.", param_hint="'--templates'"
        )
    if cache is not None and no_cache:
        raise click.UsageError("--cache and --no-cache cannot be used together")
    templates = resolve_templates(templates)
    guard_out(out, content, templates, replacing=False)
    from clawdemy_site.links.prefork import start_checker, take_early

    # Forked by the entry point (`launch`) before the CLI was imported, else here before the
    # engine is, so that the checker's imports overlap ours.
    early = take_early()
    checker = None if offline else early or start_checker()
    try:
        from clawdemy_site.links.cache import DEFAULT_PATH
        from clawdemy_site.links.model import CheckOptions
        from clawdemy_site.links.run import LinkRunOptions, run_link_check

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
        detail(f"templates: {templates}")
        from clawdemy_site.links.gcpolicy import lean_gc
        from clawdemy_site.links.select import BadRef

        progress = show_progress()
        with lean_gc():
            try:
                results = run_link_check(
                    options, say, _progress_bar if progress else None, checker=checker
                )
            except BadRef as exc:
                raise click.BadParameter(str(exc), param_hint="--changed-since") from exc
            if progress:
                click.echo("\r\033[K", nl=False, err=True)
            report(results, fmt)
    finally:
        if checker is not None:
            checker.close()


@check_links.command("merge", epilog=EXIT_CODES)
@output_options
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
        text = formats.format_text(results, summary, color=use_color(sys.stdout))
    click.echo(text)
    if summary.exit_code:
        sys.exit(summary.exit_code)

"""The `clawdemy` command: parse options, call one function, map the outcome to an exit code."""

from __future__ import annotations

from pathlib import Path

import click

from clawdemy_site.errors import ContentError, format_report
from clawdemy_site.outguard import refuse_out_dir

DIR = click.Path(file_okay=False, path_type=Path)


def guard_out(out: Path, content: Path, templates: Path) -> None:
    reason = refuse_out_dir(
        out,
        sources={"content folder": content, "templates folder": templates},
        roots={"project root": content.resolve().parent, "current folder": Path.cwd()},
        home=Path.home(),
    )
    if reason:
        raise click.BadParameter(f"{reason}; choose another output folder", param_hint="--out")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="clawdemy-site")
def main() -> None:
    """Clawdemy: build a course site of lessons that cite what they mirror."""


@main.command()
@click.option("--content", "content", type=DIR, default=Path("content"), show_default=True)
@click.option("--templates", "templates", type=DIR, default=Path("templates"), show_default=True)
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
@click.option("--content", "content", type=DIR, default=Path("content"), show_default=True)
@click.option("--drafts", is_flag=True, help="Check as a build with --drafts would.")
@click.option("--strict", is_flag=True, help="Fail on warnings too.")
def check(content: Path, drafts: bool, strict: bool) -> None:
    """Validate the content; write nothing."""
    from clawdemy_site.build import check_site

    result = check_site(content, drafts=drafts)
    if result.errors or (strict and result.diagnostics):
        raise ContentError(result.diagnostics)
    if result.diagnostics:
        click.echo(format_report(result.diagnostics), err=True)
    click.echo("content is valid", err=True)

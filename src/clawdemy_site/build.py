"""load -> validate -> render all in memory -> write atomically. Nothing is written on error."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pygments.formatters import HtmlFormatter

from clawdemy_site.content.load import LoadResult, load_site
from clawdemy_site.content.models import Lesson, Site
from clawdemy_site.errors import ClawdemyError, ContentError, Diagnostic
from clawdemy_site.render.markdown import LinkTargets, RenderedBody, render_body
from clawdemy_site.render.pages import plan_site
from clawdemy_site.render.sitemap import sitemap_xml
from clawdemy_site.render.templates import (
    TemplateProblem,
    make_environment,
    render_page,
    theme_dir,
)
from clawdemy_site.render.urls import page_file
from clawdemy_site.write import write_site


@dataclass(frozen=True)
class BuildOptions:
    content_dir: Path
    templates_dir: Path
    out_dir: Path
    drafts: bool = False
    strict: bool = False


@dataclass(frozen=True)
class RenderedSite:
    """Everything a build writes, in memory: files by relative path, and files to copy."""

    files: dict[str, bytes]
    copies: dict[str, Path]
    #: Which template made each page file (`neural-networks/index.html` -> `track.html`).
    templates: dict[str, str]
    diagnostics: tuple[Diagnostic, ...]


def link_targets(loaded: LoadResult) -> LinkTargets:
    """Where each lesson file and asset is published, from everything the loader found."""
    pages = {
        path: path.removesuffix(".md") + "/"
        for path in loaded.lesson_files
        if path not in loaded.draft_files
    }
    return LinkTargets(
        pages=pages,
        assets=frozenset(asset.rel for asset in loaded.assets),
        drafts=loaded.draft_files,
    )


def render_lesson_body(lesson: Lesson, targets: LinkTargets) -> RenderedBody:
    """One lesson's body as HTML: a pure function of the lesson and where files are published."""
    return render_body(
        lesson.body,
        source=lesson.source,
        page_url=lesson.url,
        targets=targets,
        path=lesson.path,
        body_line=lesson.body_line,
    )


def render_bodies(loaded: LoadResult) -> dict[Lesson, RenderedBody]:
    """Every published lesson's body, rendered (also when other files have errors)."""
    targets = link_targets(loaded)
    return {lesson: render_lesson_body(lesson, targets) for lesson in loaded.lessons}


def render_site(
    site: Site, templates_dir: Path, bodies: dict[Lesson, RenderedBody]
) -> RenderedSite:
    """Render every page around the rendered `bodies`, and list every file to copy.

    Reads only the templates; what it returns is a pure function of its inputs.
    """
    diagnostics: list[Diagnostic] = [d for body in bodies.values() for d in body.diagnostics]
    html = {(lesson.track, lesson.number): body.html for lesson, body in bodies.items()}
    files: dict[str, bytes] = {}
    templates: dict[str, str] = {}
    env = make_environment(templates_dir)
    seen_templates: set[str] = set()
    for page in plan_site(site, html):
        templates[page_file(page.url)] = page.template
        try:
            files[page_file(page.url)] = render_page(
                env, page, site.config, templates_dir=templates_dir
            ).encode("utf-8")
        except TemplateProblem as problem:
            if page.template not in seen_templates:  # one report a template, not one a page
                diagnostics.append(problem.diagnostic)
            seen_templates.add(page.template)
    files["sitemap.xml"] = sitemap_xml(site).encode("utf-8")
    css = HtmlFormatter(style="default").get_style_defs(".codehilite")  # type: ignore[no-untyped-call]
    files["static/pygments.css"] = str(css).encode()
    files[".nojekyll"] = b""
    copies = {asset.rel: asset.source for asset in site.assets}
    for static_dir in (theme_dir() / "static", templates_dir / "static"):  # the site's win
        if static_dir.is_dir():
            for path in sorted(static_dir.rglob("*")):
                if path.is_file() and not path.name.startswith("."):
                    copies[f"static/{path.relative_to(static_dir).as_posix()}"] = path
    return RenderedSite(files, copies, templates, tuple(sorted(set(diagnostics))))


@dataclass(frozen=True)
class CheckedContent:
    """The content read and every lesson body rendered, with every problem found so far."""

    loaded: LoadResult
    bodies: dict[Lesson, RenderedBody]
    diagnostics: tuple[Diagnostic, ...]


def check_content(content_dir: Path, *, drafts: bool = False) -> CheckedContent:
    """Every problem a build would report before rendering pages; nothing is written."""
    loaded = load_site(content_dir, drafts=drafts)
    bodies = render_bodies(loaded)
    found = loaded.diagnostics + tuple(d for body in bodies.values() for d in body.diagnostics)
    return CheckedContent(loaded, bodies, tuple(sorted(set(found))))


@dataclass(frozen=True)
class BuildResult:
    site: Site
    out_dir: Path
    pages: int
    files: int
    warnings: tuple[Diagnostic, ...]


def fails(diagnostics: tuple[Diagnostic, ...], *, strict: bool) -> bool:
    return any(d.severity == "error" or strict for d in diagnostics)


def build_site(options: BuildOptions) -> BuildResult:
    """Build the site or raise ContentError with every problem; nothing is written on error."""
    checked = check_content(options.content_dir, drafts=options.drafts)
    loaded = checked.loaded
    if loaded.site is None or fails(checked.diagnostics, strict=options.strict):
        raise ContentError(checked.diagnostics, strict=options.strict)
    if not options.templates_dir.is_dir():
        raise ContentError(
            [
                Diagnostic(
                    str(options.templates_dir),
                    1,
                    1,
                    "error",
                    "the templates folder does not exist (see --templates)",
                )
            ]
        )
    rendered = render_site(loaded.site, options.templates_dir, checked.bodies)
    diagnostics = tuple(sorted(set(checked.diagnostics + rendered.diagnostics)))
    if fails(diagnostics, strict=options.strict):
        raise ContentError(diagnostics, strict=options.strict)
    try:
        write_site(options.out_dir, rendered.files, rendered.copies)
    except OSError as exc:  # disk full, permissions, an asset that vanished: no traceback
        where = f" ({exc.filename})" if exc.filename else ""
        raise ClawdemyError(
            f"error: cannot write the site into {options.out_dir}{where}: {exc.strerror or exc};"
            " the previous build, if any, is left as it was"
        ) from None
    pages = sum(1 for name in rendered.files if name.endswith(".html"))
    return BuildResult(
        site=loaded.site,
        out_dir=options.out_dir,
        pages=pages,
        files=len(rendered.files) + len(rendered.copies),
        warnings=diagnostics,
    )

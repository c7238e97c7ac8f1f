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
from clawdemy_site.render.templates import TemplateProblem, make_environment, render_page
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


def link_targets(site: Site, all_lesson_files: frozenset[str] = frozenset()) -> LinkTargets:
    pages = {
        f"{lesson.track}/{lesson.slug}.md": lesson.url
        for track in site.tracks
        for lesson in track.lessons
    }
    return LinkTargets(
        pages=pages,
        assets=frozenset(asset.rel for asset in site.assets),
        drafts=frozenset(all_lesson_files - pages.keys()),
    )


def render_lesson_body(lesson: Lesson, targets: LinkTargets) -> RenderedBody:
    """One lesson's body as HTML: a pure function of the lesson and where files are published."""
    return render_body(
        lesson.body,
        source=f"{lesson.track}/{lesson.slug}.md",
        page_url=lesson.url,
        targets=targets,
        path=lesson.path,
        body_line=lesson.body_line,
    )


def _draft_files(content_dir: Path) -> frozenset[str]:
    return frozenset(
        path.relative_to(content_dir).as_posix()
        for path in content_dir.glob("*/*.md")
        if not path.name.startswith((".", "_"))
    )


def render_bodies(site: Site) -> dict[Lesson, RenderedBody]:
    """Every published lesson's body, rendered."""
    targets = link_targets(site, _draft_files(site.content_dir))
    return {
        lesson: render_lesson_body(lesson, targets)
        for track in site.tracks
        for lesson in track.lessons
    }


def render_site(
    site: Site, templates_dir: Path, bodies: dict[Lesson, RenderedBody] | None = None
) -> RenderedSite:
    """Render every page and list every file to copy. Reads only the templates."""
    if bodies is None:
        bodies = render_bodies(site)
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
    static_dir = templates_dir / "static"
    if static_dir.is_dir():
        for path in sorted(static_dir.rglob("*")):
            if path.is_file() and not path.name.startswith("."):
                copies[f"static/{path.relative_to(static_dir).as_posix()}"] = path
    return RenderedSite(files, copies, templates, tuple(sorted(set(diagnostics))))


def check_site(content_dir: Path, *, drafts: bool = False) -> LoadResult:
    """Validate only; nothing is rendered or written."""
    return load_site(content_dir, drafts=drafts)


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
    loaded = load_site(options.content_dir, drafts=options.drafts)
    if loaded.site is None or fails(loaded.diagnostics, strict=options.strict):
        raise ContentError(loaded.diagnostics)
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
    rendered = render_site(loaded.site, options.templates_dir)
    diagnostics = tuple(sorted(set(loaded.diagnostics + rendered.diagnostics)))
    if fails(diagnostics, strict=options.strict):
        raise ContentError(diagnostics)
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

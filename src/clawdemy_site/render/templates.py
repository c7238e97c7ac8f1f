"""The Jinja environment of the site's theme, and one page rendered through it.

Autoescape is on for every template, undefined names are errors, and content
is only ever passed as data: no author text is evaluated as a template.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import re
import stat
import tempfile
import traceback
from collections.abc import Callable, Mapping
from pathlib import Path
from urllib.parse import urlsplit

import jinja2
import jinja2.meta
from markupsafe import Markup, escape

from clawdemy_site.content.models import SiteConfig
from clawdemy_site.errors import Diagnostic
from clawdemy_site.packaged import THEME_PREFIX, theme_dir
from clawdemy_site.plan import PlannedPage
from clawdemy_site.render.csp import CONTENT_SECURITY_POLICY
from clawdemy_site.render.urls import relative_url
from clawdemy_site.render.views import LessonEntry, PageView, TrackNav
from clawdemy_site.render.words import minutes_sentence, number_in_words


class TemplateProblem(Exception):
    """A theme template failed; carries the diagnostic to show."""

    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(diagnostic.format())
        self.diagnostic = diagnostic


def sentence(text: str) -> str:
    """`text` ending in a full stop unless it already ends in one (or ?, !)."""
    text = text.rstrip()
    return text if text.endswith((".", "?", "!", "…", ".”", "?”", "!”", '."')) else text + "."


#: A Markdown code span: a run of backticks, the code, and a run of as many backticks.
_CODE_SPAN = re.compile(r"(`+)(.+?)(?<!`)\1(?!`)", re.DOTALL)


def inline_code(text: str) -> Markup:
    """`text` escaped, with each code span (`git add`) in `<code>`: the one piece of
    Markdown an objective or key point takes. Nothing else of the text becomes markup."""

    def code(match: re.Match[str]) -> str:
        inner = match[2]
        if inner.startswith(" ") and inner.endswith(" ") and inner.strip():
            inner = inner[1:-1]  # as Markdown does: `` `x` `` shows `x`
        return f"<code>{inner}</code>"

    return Markup(_CODE_SPAN.sub(code, str(escape(text))))


def make_environment(templates_dir: Path) -> jinja2.Environment:
    """Templates from `templates_dir`, then from the packaged theme for any name it lacks."""
    theme = theme_dir()
    loaders: list[jinja2.BaseLoader] = [
        jinja2.PrefixLoader({THEME_PREFIX: jinja2.FileSystemLoader(str(theme))}),
        jinja2.FileSystemLoader(str(templates_dir)),
    ]
    if templates_dir.resolve() != theme:
        loaders.append(jinja2.FileSystemLoader(str(theme)))
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.globals["content_security_policy"] = Markup(CONTENT_SECURITY_POLICY)  # a constant, no "
    env.filters["minutes_sentence"] = minutes_sentence
    env.filters["in_words"] = number_in_words
    env.filters["sentence"] = sentence
    env.filters["inline_code"] = inline_code
    env.globals["lesson_list_html"] = lesson_list_html
    env.bytecode_cache = _compiled_templates(env)
    return env


def _compiled_templates(env: jinja2.Environment) -> jinja2.BytecodeCache | None:
    """Jinja's cache of compiled templates, in a folder of this user's only: compiling the
    theme's templates costs a tenth of a second in every process that renders pages.

    The folder is private (mode 0700, owned by this user), never the project's: compiled
    code is loaded as code, so nobody else may write it. An entry is used only for the same
    source, and its name carries Jinja's version and this environment's settings, filters
    and globals, so that code compiled under other settings is never taken. None when no
    such folder can be had (then templates are compiled as ever)."""
    folder = os.path.join(tempfile.gettempdir(), f"clawdemy-templates-{os.getuid()}")
    try:
        os.makedirs(folder, mode=0o700, exist_ok=True)
        found = os.lstat(folder)
    except OSError:
        return None
    if (
        not stat.S_ISDIR(found.st_mode)
        or found.st_uid != os.getuid()
        or stat.S_IMODE(found.st_mode) & 0o077
    ):
        return None
    settings = repr(
        (
            jinja2.__version__,
            env.autoescape,
            env.trim_blocks,
            env.lstrip_blocks,
            env.keep_trailing_newline,
            sorted(env.filters),
            sorted(env.tests),
            sorted(env.globals),
        )
    )
    digest = hashlib.sha1(settings.encode(), usedforsecurity=False).hexdigest()[:16]
    return jinja2.FileSystemBytecodeCache(folder, f"{digest}-%s.cache")


class PageAddress:
    """A page's `url()`: the address of a file or folder of the site as seen from the
    page's folder (`page_url`)."""

    __slots__ = ("page_url",)

    def __init__(self, page_url: str) -> None:
        self.page_url = page_url

    def __call__(self, target: str) -> str:
        return relative_url(self.page_url, target)


#: An item of a lesson list: the lesson's address and its title, escaped.
_Item = tuple[str, str]
#: Lesson lists by the id of their entries and the folder of the pages showing them: the
#: entries, the page the items were worked out for, and the items.
_LISTED: dict[tuple[int, str], tuple[tuple[LessonEntry, ...], str, list[_Item]]] = {}
_LISTED_KEPT = 1024


@jinja2.pass_context
def lesson_list_html(context: jinja2.runtime.Context, track: TrackNav, current: int) -> Markup:
    """A track's lessons as a lesson page lists them, `current` marked (the theme's
    `lesson_list` macro). Made here rather than in the template: each of a track's lesson
    pages lists all of them, and Jinja spent a millisecond a page on the loop."""
    mark = ' aria-current="page"'
    html = [
        f'  <li><a href="{address}"{mark if entry.number == current else ""}>'
        f'<span class="n">{entry.number}.</span> {title}</a></li>\n'
        for entry, (address, title) in zip(
            track.lessons, _list_items(track.lessons, context["url"]), strict=True
        )
    ]
    return Markup(f'<ol class="nav-lessons">\n{"".join(html)}</ol>')


def _list_items(lessons: tuple[LessonEntry, ...], url: Callable[[str], str]) -> list[_Item]:
    """Each lesson's address and title in a lesson list, escaped, as the page whose `url`
    this is shows them.

    Pages in one folder (`t/a/`, `t/b/`) see a lesson outside them (`t/c/`) at the same
    address (`../c/`): a list's items are worked out once for a folder, and for each page
    only those of lessons at or under it (`t/a/` from `t/a/`)."""
    here = url.page_url if isinstance(url, PageAddress) else ""
    if not here:  # the home page, or a page whose addresses are not relative
        return [(str(escape(url(entry.url))), str(escape(entry.title))) for entry in lessons]
    key = (id(lessons), here.rstrip("/").rpartition("/")[0])
    known = _LISTED.get(key)
    if known is None or known[0] is not lessons:
        if len(_LISTED) >= _LISTED_KEPT:
            _LISTED.clear()
        items = [(str(escape(url(entry.url))), str(escape(entry.title))) for entry in lessons]
        known = _LISTED[key] = (lessons, here, items)
    _, made_at, items = known
    return [
        (str(escape(url(entry.url))), title)
        if entry.url.startswith(here) or entry.url.startswith(made_at)
        else (address, title)
        for entry, (address, title) in zip(lessons, items, strict=True)
    ]


def _url_function(page: PlannedPage, config: SiteConfig) -> Callable[[str], str]:
    if page.kind == "not_found":
        # A page served at any address (404.html): links start from the site's own path.
        base_path = urlsplit(config.base_url).path or "/"
        return lambda target: base_path + target
    return PageAddress(page.url)


#: The templates a template's source names, by the source's digest: parsing is the slow part.
_referenced: dict[str, tuple[str, ...]] = {}
#: Among those names: the source also names a template by an expression
#: (`{% include part %}`), which may be any of them.
ANY_TEMPLATE = "\0any"


def _names_in(env: jinja2.Environment, source: str) -> tuple[str, ...]:
    key = hashlib.sha1(source.encode(), usedforsecurity=False).hexdigest()
    if key not in _referenced:
        try:
            parsed = env.parse(source)
        except jinja2.TemplateSyntaxError:
            return ()  # reported when a page is rendered
        found = list(jinja2.meta.find_referenced_templates(parsed))
        named = tuple(ref for ref in found if ref)
        _referenced[key] = (*named, ANY_TEMPLATE) if None in found else named
    return _referenced[key]


def known_references() -> dict[str, tuple[str, ...]]:
    """What `_names_in` found so far, for the build cache to keep."""
    return dict(_referenced)


def remember_references(known: Mapping[str, tuple[str, ...]]) -> None:
    """Take what an earlier process found (by source digest, so never stale)."""
    _referenced.update(known)


def template_closure(env: jinja2.Environment, name: str) -> tuple[str, ...]:
    """`name` and every template it extends, includes or imports, transitively, sorted. A
    template named by an expression may be any: then every template counts (but files
    under `static/`, which are copied, not rendered)."""
    found: set[str] = set()
    waiting = [name]
    while waiting:
        current = waiting.pop()
        if current in found:
            continue
        if current == ANY_TEMPLATE:
            listed = env.loader.list_templates() if env.loader else []
            waiting += [t for t in listed if "static/" not in t and not t.startswith(".")]
            found.add(current)
            continue
        found.add(current)
        try:
            source = env.loader.get_source(env, current)[0] if env.loader else ""
        except (jinja2.TemplateNotFound, UnicodeDecodeError):
            continue  # reported when the page is rendered
        waiting += _names_in(env, source)
    return tuple(sorted(found - {ANY_TEMPLATE}))


def template_fingerprint(env: jinja2.Environment, name: str) -> str:
    """A digest of the sources of `name` and every template it depends on."""
    digest = hashlib.sha1(usedforsecurity=False)
    for current in template_closure(env, name):
        try:
            source = env.loader.get_source(env, current)[0] if env.loader else ""
        except (jinja2.TemplateNotFound, UnicodeDecodeError):
            source = "\0missing"
        digest.update(f"{current}\0{len(source)}\0{source}".encode())
    return digest.hexdigest()


def render_page(
    env: jinja2.Environment,
    page: PlannedPage,
    view: PageView,
    config: SiteConfig,
    *,
    templates_dir: Path,
) -> str:
    """Render one planned page; a broken template raises TemplateProblem naming file and line."""
    context: dict[str, object] = {
        field.name: getattr(view, field.name) for field in dataclasses.fields(view)
    }
    context.update(
        site=config,
        page=view,
        canonical=config.base_url + page.url,
        url=_url_function(page, config),
    )
    if "body" in context:
        context["body"] = Markup(context["body"])  # sanitized HTML from render.markdown
    try:
        return env.get_template(page.template).render(context)
    except jinja2.TemplateSyntaxError as exc:
        name = exc.filename or str(templates_dir / (exc.name or page.template))
        raise TemplateProblem(
            Diagnostic(
                os.path.relpath(name),
                exc.lineno or 1,
                1,
                "error",
                f"template syntax: {exc.message}",
            )
        ) from None
    except jinja2.TemplateNotFound as exc:
        where = os.path.relpath(templates_dir / str(exc.name))
        raise TemplateProblem(
            Diagnostic(where, 1, 1, "error", f"template `{exc.name}` is missing from the theme")
        ) from None
    except Exception as exc:  # an error while rendering: name the template line that failed
        path, line = _template_frame(exc, templates_dir, page.template)
        message = (
            str(exc) if isinstance(exc, jinja2.UndefinedError) else f"{type(exc).__name__}: {exc}"
        )
        raise TemplateProblem(
            Diagnostic(
                path, line, 1, "error", f"template error rendering {page.url or '/'}: {message}"
            )
        ) from None


def _template_frame(exc: BaseException, templates_dir: Path, fallback: str) -> tuple[str, int]:
    root = str(templates_dir.resolve())
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        if frame.filename and os.path.abspath(frame.filename).startswith(root):
            return os.path.relpath(frame.filename), frame.lineno or 1
    return os.path.relpath(templates_dir / fallback), 1

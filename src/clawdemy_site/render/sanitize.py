"""The HTML a lesson body may carry: Markdown's own output, MathML, and harmless raw HTML."""

from __future__ import annotations

import nh3

MATHML_TAGS = frozenset(
    {
        "math",
        "semantics",
        "annotation",
        "mrow",
        "mi",
        "mo",
        "mn",
        "ms",
        "mtext",
        "mspace",
        "mfrac",
        "msqrt",
        "mroot",
        "msub",
        "msup",
        "msubsup",
        "munder",
        "mover",
        "munderover",
        "mtable",
        "mtr",
        "mtd",
        "mstyle",
        "merror",
        "mpadded",
        "mphantom",
        "menclose",
        "mmultiscripts",
        "mprescripts",
        "none",
    }
)
MATHML_ATTRIBUTES = frozenset(
    {
        "xmlns",
        "display",
        "mathvariant",
        "stretchy",
        "fence",
        "separator",
        "lspace",
        "rspace",
        "accent",
        "accentunder",
        "columnalign",
        "rowalign",
        "columnspacing",
        "rowspacing",
        "columnlines",
        "rowlines",
        "frame",
        "displaystyle",
        "scriptlevel",
        "linethickness",
        "notation",
        "width",
        "height",
        "depth",
        "form",
        "largeop",
        "movablelimits",
        "symmetric",
        "minsize",
        "maxsize",
        "encoding",
    }
)
EXTRA_TAGS = frozenset(
    {"figure", "figcaption", "details", "summary", "section", "mark", "kbd", "sup", "sub"}
)
TAGS = (set(nh3.ALLOWED_TAGS) | MATHML_TAGS | EXTRA_TAGS) - {"font", "center", "big", "small"}
ATTRIBUTES: dict[str, set[str]] = {
    "*": {"id", "class", "title", "lang", "dir"},
    "a": {"href", "hreflang"},
    "img": {"src", "alt", "width", "height", "loading"},
    "th": {"colspan", "rowspan", "scope", "style"},
    "td": {"colspan", "rowspan", "style"},
    "ol": {"start", "type", "reversed"},
    "abbr": {"title"},
    "details": {"open"},
    "section": {"aria-labelledby"},
    "aside": {"aria-labelledby"},
    **{tag: set(MATHML_ATTRIBUTES) for tag in MATHML_TAGS},
}
URL_SCHEMES = {"http", "https", "mailto", "data"}


def _keep_attribute(tag: str, attribute: str, value: str) -> str | None:
    """Every attribute nh3 allows, except a `data:` URL anywhere but an image's `src`."""
    if attribute in ("href", "src") and value.strip().lower().startswith("data:"):
        keep = tag == "img" and attribute == "src"
        return value if keep and value.strip().lower().startswith("data:image/") else None
    return value


def sanitize_body(html: str) -> str:
    """Strip scripts, event handlers, styles beyond alignment and unsafe URL schemes."""
    return nh3.clean(
        html,
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        attribute_filter=_keep_attribute,
        link_rel=None,
        filter_style_properties={"text-align"},
        strip_comments=True,
    )

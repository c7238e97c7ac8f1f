"""The HTML a lesson body may carry: Markdown's own output, MathML, and harmless raw HTML."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from urllib.parse import urlsplit

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


#: What an embedded frame may carry from the author; the sandbox, referrer policy and lazy
#: loading are always set by clawdemy (and never taken from the author).
IFRAME_ATTRIBUTES = {"src", "width", "height", "title", "allow", "allowfullscreen"}
IFRAME_SET = {
    "sandbox": "allow-scripts allow-same-origin allow-presentation allow-popups",
    "referrerpolicy": "strict-origin-when-cross-origin",
    "loading": "lazy",
}
#: An iframe left without a `src` (its address was not allowed): removed whole.
_EMPTY_FRAME = re.compile(r"<iframe(?![^>]*\ssrc=)[^>]*>.*?</iframe>", re.DOTALL)


def embed_allowed(src: str, hosts: frozenset[str]) -> bool:
    """True when `src` is an https address on one of `hosts` or a subdomain of one."""
    try:
        parts = urlsplit(src.strip())
    except ValueError:
        return False
    host = (parts.hostname or "").lower()
    return parts.scheme.lower() == "https" and any(
        host == allowed or host.endswith(f".{allowed}") for allowed in hosts
    )


def _attribute_filter(hosts: frozenset[str]) -> Callable[[str, str, str], str | None]:
    def keep(tag: str, attribute: str, value: str) -> str | None:
        """Every attribute nh3 allows, except a `data:` URL anywhere but an image's `src`,
        and an iframe's `src` off the site's `embed_hosts`."""
        if tag == "iframe" and attribute == "src":
            return value if embed_allowed(value, hosts) else None
        if attribute in ("href", "src") and value.strip().lower().startswith("data:"):
            keep_data = tag == "img" and attribute == "src"
            return value if keep_data and value.strip().lower().startswith("data:image/") else None
        return value

    return keep


@lru_cache(maxsize=16)
def _cleaner(embed_hosts: frozenset[str]) -> nh3.Cleaner:
    """A cleaner for these embed hosts, configured once: building the allowlists costs as
    much as a cleaning."""
    tags, attributes = TAGS, ATTRIBUTES
    if embed_hosts:
        tags = TAGS | {"iframe"}
        attributes = {**ATTRIBUTES, "iframe": IFRAME_ATTRIBUTES}
    return nh3.Cleaner(
        tags=tags,
        attributes=attributes,
        url_schemes=URL_SCHEMES,
        attribute_filter=_attribute_filter(embed_hosts),
        link_rel=None,
        filter_style_properties={"text-align"},
        strip_comments=True,
    )


def sanitize_body(html: str, embed_hosts: frozenset[str] = frozenset()) -> str:
    """Strip scripts, event handlers, styles beyond alignment and unsafe URL schemes;
    keep an iframe only when its https address is on one of `embed_hosts`, sandboxed."""
    clean = str(_cleaner(embed_hosts).clean(html))
    if not embed_hosts:
        return clean
    # Set here rather than by nh3, whose order of set attributes varies from run to run.
    fixed = " ".join(f'{name}="{value}"' for name, value in IFRAME_SET.items())
    return _EMPTY_FRAME.sub("", clean).replace("<iframe ", f"<iframe {fixed} ")

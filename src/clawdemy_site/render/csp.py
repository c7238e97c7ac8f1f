"""The Content-Security-Policy every page of the theme carries, as a `<meta>` element.

Only the site's own files may be scripts, styles or fonts; images may also come from http(s)
(a body may show one) and `data:` (a `data:image` an author wrote); frames from https, as
the body sanitizer keeps only those of the hosts site.yml lists in `embed_hosts`. Plugins,
forms and a `<base>` are refused. Scripts may neither evaluate strings nor compile
WebAssembly. Inline scripts are refused too, with one exception: the
live-reload script that `clawdemy serve` adds to pages it serves, allowed by its hash so
that serving a page never needs a weaker policy. Style attributes stay allowed: the
sanitizer lets only `text-align` through (table column alignment).
"""

from __future__ import annotations

#: sha256 of the text of `serve.RELOAD_SCRIPT` (tests/test_hardening_attacks.py checks it).
RELOAD_SCRIPT_HASH = "sha256-v/LF89kwOnMhXzynjVdLZM5qm6NolTM56Cp3Gc8oKgM="

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        f"script-src 'self' '{RELOAD_SCRIPT_HASH}'",
        "style-src 'self'",
        "style-src-attr 'unsafe-inline'",
        "img-src 'self' https: http: data:",
        "media-src 'self' https: http:",
        "font-src 'self'",
        "connect-src 'self'",
        "frame-src 'self' https:",  # the sanitizer keeps only frames of `embed_hosts`
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'none'",
    )
)

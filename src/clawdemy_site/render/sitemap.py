"""sitemap.xml: the canonical address of every published page, in the plan's order."""

from __future__ import annotations

from html import escape

from clawdemy_site.plan import SitePlan


def sitemap_xml(plan: SitePlan, base_url: str) -> str:
    lines = ['<?xml version="1.0" encoding="UTF-8"?>']
    lines.append('<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">')
    # `&`, `<` and `>` escaped, as XML text needs (html.escape, not xml.sax: that module
    # imports urllib.request and http.client, a cost at every start).
    lines += [
        f"  <url><loc>{escape(url, quote=False)}</loc></url>" for url in plan.sitemap_urls(base_url)
    ]
    lines.append("</urlset>")
    return "\n".join(lines) + "\n"

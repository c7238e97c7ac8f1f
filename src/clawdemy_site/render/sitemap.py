"""sitemap.xml: the canonical address of every published page."""

from __future__ import annotations

from xml.sax.saxutils import escape

from clawdemy_site.content.models import Site


def sitemap_xml(site: Site) -> str:
    base = site.config.base_url
    urls = [base, f"{base}credits/"]
    for track in site.tracks:
        urls.append(base + track.url)
        for lesson in track.lessons:
            urls += [base + lesson.url, base + lesson.references_url]
    lines = ['<?xml version="1.0" encoding="UTF-8"?>']
    lines.append('<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">')
    lines += [f"  <url><loc>{escape(url)}</loc></url>" for url in urls]
    lines.append("</urlset>")
    return "\n".join(lines) + "\n"

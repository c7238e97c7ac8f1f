"""The floor a build is compared with: one process that only splits the YAML front matter,
renders each body with Python-Markdown (the extensions clawdemy uses) and fills one Jinja
template. No validation, no references page, no link checks.

    python benchmarks/floor.py CONTENT OUT [--c-loader]

By default the front matter is read with `yaml.safe_load` (pure Python), as a naive
script would; `--c-loader` uses libyaml's `CSafeLoader` instead.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import jinja2
import yaml
from markdown import Markdown

TEMPLATE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{{ title }}</title>
</head><body><main><h1>{{ title }}</h1>{{ body }}</main></body></html>
"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("content", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--c-loader", action="store_true")
    args = parser.parse_args()
    loader = yaml.CSafeLoader if args.c_loader else yaml.SafeLoader
    template = jinja2.Environment(autoescape=True).from_string(TEMPLATE)
    md = Markdown(
        extensions=[
            "tables",
            "fenced_code",
            "codehilite",
            "footnotes",
            "toc",
            "attr_list",
            "def_list",
            "abbr",
            "sane_lists",
        ],
        extension_configs={"codehilite": {"guess_lang": False}},
    )
    for path in sorted(args.content.rglob("*.md")):
        text = path.read_text(encoding="utf-8")
        _, front, body = text.split("---\n", 2)
        meta = yaml.load(front, Loader=loader)
        html = md.reset().convert(body)
        page = template.render(title=meta["title"], body=jinja2.utils.markupsafe.Markup(html))
        out = args.out / path.relative_to(args.content).with_suffix("") / "index.html"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(page, encoding="utf-8")


if __name__ == "__main__":
    main()

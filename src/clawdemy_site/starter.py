"""The files `clawdemy init` writes: a site that shows each feature once and builds with --strict.

Pure: `starter_files` returns paths and texts; `init.py` writes them. The CI workflow is
here too, because this repository runs the same one (tests/test_workflow.py checks).
"""

from __future__ import annotations

import json

from clawdemy_site.scaffold import lesson_text, track_text, yaml_text
from clawdemy_site.schema import KINDS, json_schema

TRACK = "first-steps"
LESSON_FILE = f"content/{TRACK}/01-welcome.md"

SITE_YML = """\
# yaml-language-server: $schema=../schema/site.json
title: {title}
# Where the site is published; on GitHub Pages, https://USER.github.io/REPOSITORY/
base_url: https://example.org/
language: en
description: Short lessons, each one citing what it follows.
# license: CC-BY-4.0          # the licence of your own prose
links:
  exclude:
    # The starter lesson's placeholder addresses: remove this once they are replaced.
    - '^https://example\\.(org|com)/'
"""

LESSON_FRONT = """\
minutes: 3
objectives:
  - Find where each part of a lesson is written.
references:
  - type: source
    title: The chapter this lesson follows
    creator: Its author
    url: https://example.org/chapter-1
    license: The source's licence, such as CC-BY-4.0
    mirrors: >-
      Say how this lesson relates to the source: which part it follows,
      and what it leaves out.
  - type: article
    title: One specific next step
    url: https://example.com/next-step
    minutes: 10
    note: >-
      Say in a sentence why a learner should read this next.
"""

LESSON_BODY = """\
This is the first lesson of your course. Everything above the body sits in the
front matter between the two `---` lines: the title, the number, the summary, and
the references, which clawdemy turns into a references page with the source this
lesson follows and a short list of further study.

## Math

Math between dollar signs becomes MathML when the site is built. A circle of
radius $r$ has area $A = \\pi r^2$, and the first $n$ whole numbers add up to

$$\\sum_{k=1}^{n} k = \\frac{n(n+1)}{2}$$

## Code

Fenced code is highlighted:

```python
def triangle(n: int) -> int:
    \"\"\"The sum of the whole numbers from 1 to n.\"\"\"
    return n * (n + 1) // 2
```

Write the next lesson with `clawdemy new lesson first-steps "Its title"`.
"""

GITIGNORE = """\
# clawdemy's output and its link history
build/
.clawdemy/
"""

VSCODE_EXTENSIONS = """\
{
  "recommendations": ["redhat.vscode-yaml"]
}
"""

WORKFLOW = """\
# Build the site with clawdemy, check its links, and publish it on GitHub Pages.
# Runs on every push and pull request, and once a week: links rot even when nothing
# is committed. To publish, set Settings > Pages > Source to "GitHub Actions".
name: site

on:
  push:
  pull_request:
  schedule:
    - cron: "23 5 * * 1"
  workflow_dispatch:

permissions:
  contents: read

concurrency:
  group: site-${{{{ github.ref }}}}
  cancel-in-progress: true

jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with:
          python-version: "3.12"
      - name: Install clawdemy
        run: python -m pip install {install}
      - name: Build (warnings fail it too)
        run: clawdemy build --strict
      - name: Keep the site for the deploy job
        if: github.event_name == 'push' && github.ref_name == github.event.repository.default_branch
        uses: actions/upload-pages-artifact@v3
        with:
          path: build

  # Apart from the build, so that a site that went down somewhere else does not stop a
  # deploy; internal links and anchors are already checked by `build --strict`.
  links:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with:
          fetch-depth: 0  # --changed-since compares with the base branch
      - uses: actions/setup-python@v5
        with:
          python-version: "3.12"
      - name: Install clawdemy
        run: python -m pip install {install}
      - name: Restore the link history
        uses: actions/cache/restore@v4
        with:
          path: .clawdemy
          key: clawdemy-links-${{{{ github.run_id }}}}
          restore-keys: clawdemy-links-
      # A pull request fetches only the links on lines it adds or changes; pushes, the weekly
      # run and a manual run check every link. The weekly run fails only on new failures.
      - name: Check links
        run: >-
          clawdemy check-links --format json
          --fail-on ${{{{ github.event_name == 'schedule' && 'new' || 'all' }}}}
          ${{{{ github.event_name == 'pull_request'
          && format('--changed-since origin/{{0}}', github.base_ref) || '' }}}}
          > links.json || test $? -eq 1
      - name: Failing links
        run: clawdemy check-links merge links.json --format github
      - name: Link report
        if: always()
        run: clawdemy check-links merge links.json --format markdown >> "$GITHUB_STEP_SUMMARY"
      - name: Save the link history
        if: always()
        uses: actions/cache/save@v4
        with:
          path: .clawdemy
          key: clawdemy-links-${{{{ github.run_id }}}}

  deploy:
    needs: build
    if: github.event_name == 'push' && github.ref_name == github.event.repository.default_branch
    runs-on: ubuntu-latest
    permissions:
      pages: write
      id-token: write
    environment:
      name: github-pages
      url: ${{{{ steps.deployment.outputs.page_url }}}}
    steps:
      - name: Publish on GitHub Pages
        id: deployment
        uses: actions/deploy-pages@v4
"""


def workflow_text(install: str) -> str:
    """The CI workflow; `install` is what pip installs (`.` in this repository)."""
    return WORKFLOW.format(install=install)


def starter_files(title: str, version: str) -> dict[str, str]:
    """Every file of a new site, by path relative to the site's folder."""
    schemas = {
        f"schema/{kind}.json": json.dumps(json_schema(kind), indent=2, ensure_ascii=False) + "\n"
        for kind in KINDS
    }
    return {
        "content/site.yml": SITE_YML.format(title=yaml_text(title)),
        f"content/{TRACK}/track.yml": track_text(
            "First steps",
            1,
            summary="Where the course begins: one lesson that shows what a lesson holds.",
            schema="../../schema/track.json",
        ),
        LESSON_FILE: lesson_text(
            "Welcome to your course",
            1,
            summary="What a lesson holds, shown once: a source, further study, math and code.",
            front=LESSON_FRONT,
            body=LESSON_BODY,
        ),
        ".gitignore": GITIGNORE,
        ".vscode/extensions.json": VSCODE_EXTENSIONS,
        ".github/workflows/site.yml": workflow_text(f"clawdemy-site=={version}"),
        **schemas,
    }

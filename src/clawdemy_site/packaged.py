"""Where the theme that ships with clawdemy lives. Imports nothing heavy: the build's quick
check for an unchanged site scans this folder."""

from __future__ import annotations

from pathlib import Path

#: Templates named `clawdemy/<name>` always come from the packaged theme, so a site's own
#: `base.html` can `{% extends "clawdemy/base.html" %}` and change only the blocks it needs.
THEME_PREFIX = "clawdemy"


def theme_dir() -> Path:
    """The theme that ships with clawdemy.

    In an installed package it is `clawdemy_site/theme/`; run from this repository
    (an editable install) it is the theme's source, the top-level `templates/`.
    """
    package = Path(__file__).resolve().parent
    shipped = package / "theme"
    return shipped if shipped.is_dir() else package.parents[1] / "templates"

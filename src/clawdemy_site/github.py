"""GitHub Actions workflow commands (`::error file=...,line=...::message`), escaped once."""

from __future__ import annotations

from collections.abc import Sequence

from clawdemy_site.errors import Severity


def escape_data(text: str) -> str:
    """A command's message: `%`, CR and LF escaped, so it stays one command."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A property's value: as a message, and `:` and `,` too, which end a property."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(level: Severity | str, properties: Sequence[tuple[str, str]], message: str) -> str:
    """`::level key=value,...::message`; `properties` may be empty."""
    rendered = ",".join(f"{key}={escape_property(value)}" for key, value in properties)
    return (
        f"::{level} {rendered}::{escape_data(message)}"
        if rendered
        else (f"::{level}::{escape_data(message)}")
    )

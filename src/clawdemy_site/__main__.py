"""`python -m clawdemy_site`: the `clawdemy` command."""

from clawdemy_site.cli import run

run(prog_name="clawdemy")

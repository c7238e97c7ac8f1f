"""`python -m clawdemy_site`: the `clawdemy` command."""

from clawdemy_site.cli import main

main(prog_name="clawdemy")

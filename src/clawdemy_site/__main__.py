"""`python -m clawdemy_site`: the `clawdemy` command."""

from clawdemy_site.launch import main

main()

"""`python -m cxtui` runs the same command line as the `cxtui` script."""

from cxtui.cli import main

main()

"""Run the command line as ``python -m blog``."""

from blog.cli import main

main()

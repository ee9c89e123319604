"""`python -m taskflow` is the `taskflow` command."""

from taskflow.cli import main

main()

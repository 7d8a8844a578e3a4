"""Run orgplan as ``python -m orgplan``."""

from orgplan.console import main

main()

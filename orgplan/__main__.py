"""Run orgplan as ``python -m orgplan``."""

from .cli import main

main()

"""Run orgplan as ``python -m orgplan``."""

from .console import main

main()

"""``python -m saidwhat`` runs the command line."""

from .cli import main

main()

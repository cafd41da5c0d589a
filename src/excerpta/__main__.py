"""``python -m excerpta``."""

from excerpta.cli import main

main()

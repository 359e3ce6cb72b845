"""``thidua-cli``: everything the application does, headless."""

from app.cli.program import main

__all__ = ["main"]

"""Reusable widgets."""

from smtui.widgets import strip_cycle as _strip_cycle  # noqa: F401  (fixes a Textual reference cycle on import)

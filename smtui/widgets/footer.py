"""The key footer of every screen, compact (less space between keys) in a narrow terminal."""

from __future__ import annotations

from textual import events
from textual.widgets import Footer

#: below this many columns the footer packs its keys closer
COMPACT_BELOW = 120


class KeyFooter(Footer):
    def on_resize(self, event: events.Resize) -> None:
        self.compact = event.size.width < COMPACT_BELOW

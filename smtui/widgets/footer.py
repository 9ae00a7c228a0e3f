"""The key footer of every screen: compact (less space between keys) in a narrow terminal, and never cut.

Textual's footer lays its keys out in a row and lets the last ones run under the command palette's key (at
80 columns the main screen read ``? Hel▏^p palette``, the audit pane lost its last three keys and ``? Help``
with them). This footer leaves out the keys that do not fit, last first, but always keeps ``? Help``: the
help screen lists every key, so a new user can still find the ones left out.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from rich.cells import cell_len
from textual import events
from textual.app import ComposeResult
from textual.widget import Widget
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

#: below this many columns the footer packs its keys closer
COMPACT_BELOW = 120
#: the key always shown, whatever else is left out
HELP_ACTION = "help"


def key_width(key: FooterKey, compact: bool) -> int:
    """Columns ``key`` takes in the footer, with its margin, as Textual's footer styles lay it out."""
    k, d = cell_len(key.key_display), cell_len(key.description)
    if key.has_class("-command-palette"):
        # docked right after a one-column border; its own compact class is always on (it is not bound to
        # the footer's), so only the padding after it and the margin change
        return 1 + k + (1 + d if d else 0) + 1
    if not d:
        return k + (1 if compact else 0)
    return k + 1 + d + 1 if compact else k + 2 + d + 1


def fit_keys(items: Iterable[Widget], width: int, compact: bool) -> list[Widget]:
    """The footer's ``items`` that fit in ``width`` columns: the last keys left out first, ``? Help`` kept.

    Items this cannot measure (grouped keys, labels) are all kept, as Textual would show them. (No smtui
    binding is in a group: Textual composes a group's keys inside a ``with`` block, which this footer, taking
    the keys as a list first, would not keep together.)"""
    items = list(items)
    if width <= 0 or not all(isinstance(item, FooterKey) for item in items):
        return items
    keys: list[FooterKey] = [item for item in items if isinstance(item, FooterKey)]
    room = width - sum(key_width(k, compact) for k in keys if k.has_class("-command-palette"))
    flowing = [k for k in keys if not k.has_class("-command-palette")]
    used = sum(key_width(k, compact) for k in flowing)
    dropped: set[int] = set()
    for key in reversed(flowing):
        if used <= room:
            break
        if key.action == HELP_ACTION:
            continue
        dropped.add(id(key))
        used -= key_width(key, compact)
    return [item for item in items if id(item) not in dropped]


class KeyFooter(Footer):
    _fitted_for = 0

    def compose(self) -> ComposeResult:
        width = self.size.width
        self._fitted_for = width
        yield from fit_keys(self._all_keys(), width, self.compact)

    def _all_keys(self) -> Iterator[Widget]:
        yield from super().compose()

    def on_resize(self, event: events.Resize) -> None:
        self.compact = event.size.width < COMPACT_BELOW
        if event.size.width != self._fitted_for and self.is_attached:
            self.call_after_refresh(self.recompose)

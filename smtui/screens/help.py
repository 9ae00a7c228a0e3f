"""``?``: the keys of the screen underneath, built from its real bindings (nothing hand-written), grouped by
what the user is doing: moving around, filtering and sorting, acting on the row under the cursor, this
screen's own keys, keys that work everywhere, and last, dimmed, Textual's own text and focus keys."""

from __future__ import annotations

from typing import Any

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

NAVIGATE = "Move around"
FILTER = "Filter and sort"
ROW = "The row under the cursor"
SCREEN = "This screen"
EVERYWHERE = "Everywhere"
TEXTUAL = "Text and focus (Textual)"
ORDER = (SCREEN, ROW, FILTER, NAVIGATE, EVERYWHERE, TEXTUAL)

#: binding ids (exact, or a prefix ending in ".") -> group; other smtui ids are the screen's own
_GROUPS: tuple[tuple[str, str], ...] = (
    ("table.open", ROW),
    ("pane.logs", ROW),
    ("pane.trail", ROW),
    ("pane.copy-arn", ROW),
    ("pane.children", ROW),
    ("pane.refresh", ROW),
    ("pane.filter", FILTER),
    ("pane.clear-filter", FILTER),
    ("pane.server-filter", FILTER),
    ("pane.sort", FILTER),
    ("pane.sort-reverse", FILTER),
    ("pane.absolute", FILTER),
    ("pane.", NAVIGATE),  # the pane keys 1-5
    ("main.command", NAVIGATE),
    ("table.", NAVIGATE),
    ("logview.", NAVIGATE),
    ("app.", EVERYWHERE),
)


def group_of(binding_id: str | None, action: str) -> str:
    if action in ("command_palette", "app.command_palette"):
        return EVERYWHERE
    if not binding_id:
        return TEXTUAL  # Textual's own bindings carry no smtui id
    for key, group in _GROUPS:
        if binding_id == key or (key.endswith(".") and binding_id.startswith(key)):
            return group
    if binding_id.endswith((".back", ".close")):
        return NAVIGATE
    return SCREEN


def binding_groups(screen: Screen[Any]) -> dict[str, list[tuple[str, str, str]]]:
    """Every active binding of ``screen`` (focused widget, screen and app):
    group -> [(keys, what it does, more about it)]."""
    groups: dict[str, list[tuple[str, str, str]]] = {g: [] for g in ORDER}
    seen: set[tuple[str, str]] = set()
    for key, active in screen.active_bindings.items():
        binding = active.binding
        what = binding.description or binding.action.replace("_", " ")
        if not what or (binding.action, what) in seen:
            continue
        seen.add((binding.action, what))
        display = screen.app.get_key_display(Binding(key, binding.action))
        groups[group_of(binding.id, binding.action)].append((display, what, binding.tooltip))
    return {g: rows for g, rows in groups.items() if rows}


def bindings_table(screen: Screen[Any]) -> RenderableType:
    parts: list[RenderableType] = []
    for group, rows in binding_groups(screen).items():
        dim = group == TEXTUAL
        table = Table(box=None, show_header=False, pad_edge=False)
        table.add_column("key", style="dim" if dim else "bold cyan", no_wrap=True, width=12)
        table.add_column("does", style="dim" if dim else "")
        for display, what, more in rows:
            does = Text(what)
            if more:
                does.append(f" · {more}", style="dim")
            table.add_row(Text(display), does)
        parts.append(Text(group, style="dim bold" if dim else "bold underline"))
        parts.append(table)
        parts.append(Text(""))
    return Group(*parts)


class HelpScreen(ModalScreen[None]):
    """Keys of the screen it was opened from."""

    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    #help-body { width: 90; max-width: 95%; height: auto; max-height: 90%;
        border: round $accent; background: $surface; padding: 0 1; }
    #help-title { margin-bottom: 1; }
    """

    BINDINGS = [
        Binding("escape,q,question_mark", "dismiss", "Close help", id="help.close"),
    ]

    def __init__(self, under: Screen[Any]) -> None:
        super().__init__()
        self.under = under

    def compose(self) -> ComposeResult:
        title = getattr(self.under, "HELP_TITLE", None) or type(self.under).__name__.replace("Screen", "")
        with VerticalScroll(id="help-body"):
            yield Static(Text(f"Keys: {title}", style="bold"), id="help-title")
            doc = getattr(self.under, "HELP", "")
            if doc:
                yield Static(Text(doc), id="help-doc")
                yield Static("")
            yield Static(bindings_table(self.under), id="help-table")
            yield Static(Text("escape closes this help · ctrl+p opens the command palette", style="dim"))

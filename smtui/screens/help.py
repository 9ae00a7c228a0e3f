"""``?``: the keys of the screen underneath, built from its real bindings (nothing hand-written)."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static


def bindings_table(screen: Screen) -> Table:
    """A table of every active binding of ``screen`` (focused widget, screen and app), grouped by owner."""
    table = Table(box=None, show_header=True, header_style="bold", expand=True, pad_edge=False)
    table.add_column("key", style="bold cyan", no_wrap=True)
    table.add_column("does")
    table.add_column("where", style="dim")
    seen: set[tuple[str, str]] = set()
    rows: list[tuple[str, str, str]] = []
    for key, active in screen.active_bindings.items():
        binding = active.binding
        what = binding.description or binding.action.replace("_", " ")
        if not what or (binding.action, what) in seen and not binding.show:
            continue
        seen.add((binding.action, what))
        owner = type(active.node).__name__.replace("Screen", "").replace("Smtui", "") or "app"
        display = screen.app.get_key_display(Binding(key, binding.action))
        rows.append((display, what, owner))
    for display, what, owner in sorted(rows, key=lambda r: (r[2] == "App", r[2], r[0])):
        table.add_row(Text(display), Text(what), Text(owner))
    return table


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

    def __init__(self, under: Screen) -> None:
        super().__init__()
        self.under = under

    def compose(self) -> ComposeResult:
        title = getattr(self.under, "HELP_TITLE", None) or type(self.under).__name__.replace("Screen", "")
        with VerticalScroll(id="help-body"):
            yield Static(Text(f"Keys: {title}", style="bold"), id="help-title")
            yield Static(bindings_table(self.under), id="help-table")
            doc = getattr(self.under, "HELP", "")
            if doc:
                yield Static(Text(doc), id="help-doc")
            yield Static(Text("escape closes this help · ctrl+p opens the command palette", style="dim"))

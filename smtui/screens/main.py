"""The main screen: one pane per resource kind and the audit pane (filled by later issues)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import ContentSwitcher, Footer, Header, Static

from smtui.aws.resources import KINDS


class MainScreen(Screen[None]):
    HELP_TITLE = "main screen"
    BINDINGS = [
        *[Binding(str(i), f"show_pane('{k.key}')", k.title, id=f"pane.{k.key}") for i, k in enumerate(KINDS, 1)],
        Binding("5", "show_pane('audit')", "Audit", id="pane.audit"),
        Binding("q", "app.quit", "Quit", id="app.quit-main"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        with ContentSwitcher(initial=KINDS[0].key, id="panes"):
            for kind in KINDS:
                yield Static(f"{kind.title}", id=kind.key)
            yield Static("Audit", id="audit")
        yield Footer()

    def action_show_pane(self, key: str) -> None:
        self.query_one(ContentSwitcher).current = key

"""The log view of one resource (placeholder until the log-tailing issue lands)."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Static

from smtui.aws.resources import ResourceKind


class LogScreen(Screen[None]):
    """Logs of ``name`` (a resource of ``kind``). ``describe`` is its Describe response when known."""

    BINDINGS = [Binding("escape", "app.pop_screen", "Back", id="logs.back")]

    def __init__(self, kind: ResourceKind, name: str, *, describe: dict[str, Any] | None = None) -> None:
        super().__init__()
        self.kind = kind
        self.resource_name = name
        self.describe = describe

    def compose(self) -> ComposeResult:
        yield Static(f"Logs of {self.kind.singular} {self.resource_name}: coming with the log-tailing issue.")
        yield Footer()

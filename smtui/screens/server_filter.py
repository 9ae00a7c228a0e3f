"""The ``f`` form of a resource pane: StatusEquals, NameContains and CreationTimeAfter for its List call."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, Static

from smtui.aws import listing
from smtui.aws.listing import ServerFilter
from smtui.aws.resources import ResourceKind


class ServerFilterScreen(ModalScreen[ServerFilter | None]):
    """StatusEquals, NameContains and CreationTimeAfter for one pane's List call."""

    DEFAULT_CSS = """
    ServerFilterScreen { align: center middle; }
    #server-filter-body { width: 70; height: auto; border: round $accent; background: $surface; padding: 0 1; }
    #sf-buttons { height: auto; margin-top: 1; }
    #sf-buttons Button { margin-right: 1; }
    #sf-error { height: auto; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="server-filter.cancel"),
    ]

    def __init__(self, kind: ResourceKind, current: ServerFilter) -> None:
        super().__init__()
        self.kind = kind
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(id="server-filter-body"):
            yield Static(Text(f"Server-side filter: {self.kind.title}", style="bold"))
            yield Label("Status")
            yield Select(
                [(s, s) for s in self.kind.statuses],
                value=self.current.status or Select.NULL,
                prompt="any status",
                id="sf-status",
            )
            yield Label("Name contains (letters, digits, hyphens)")
            yield Input(self.current.name_contains or "", placeholder="e.g. churn", id="sf-name")
            yield Label("Created after (2h, 3d, 1w or 2026-11-27T10:00)")
            created = listing.iso(self.current.created_after) if self.current.created_after else ""
            yield Input(created, placeholder="e.g. 24h", id="sf-created")
            yield Static("", id="sf-error")
            with Horizontal(id="sf-buttons"):
                yield Button("Apply", variant="primary", id="sf-apply")
                yield Button("Clear", id="sf-clear")
                yield Button("Cancel", id="sf-cancel")

    def _read(self) -> ServerFilter | None:
        status = self.query_one("#sf-status", Select).value
        name = self.query_one("#sf-name", Input).value.strip()
        created_text = self.query_one("#sf-created", Input).value
        error = self.query_one("#sf-error", Static)
        try:
            created = listing.parse_since(created_text)
            flt = ServerFilter(status if isinstance(status, str) else None, name or None, created)
            flt.validate(self.kind)
        except ValueError as exc:
            error.update(Text(str(exc), style="bold red"))
            return None
        return flt

    @on(Input.Submitted)
    @on(Button.Pressed, "#sf-apply")
    def apply(self) -> None:
        flt = self._read()
        if flt is not None:
            self.dismiss(flt)

    @on(Button.Pressed, "#sf-clear")
    def clear(self) -> None:
        self.dismiss(ServerFilter())

    @on(Button.Pressed, "#sf-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)

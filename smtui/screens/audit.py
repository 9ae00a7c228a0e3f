"""The Audit pane and per-resource CloudTrail history (placeholders until the audit issue lands)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Footer, Static

from smtui.aws.resources import ResourceKind


class AuditPane(Vertical):
    """Pane 5: CloudTrail events filtered by sourceIdentity."""

    def compose(self) -> ComposeResult:
        yield Static("Audit: CloudTrail by sourceIdentity, coming with the audit issue.")


class ResourceTrailScreen(Screen[None]):
    """CloudTrail history of one resource."""

    BINDINGS = [Binding("escape", "app.pop_screen", "Back", id="trail.back")]

    def __init__(self, kind: ResourceKind, name: str) -> None:
        super().__init__()
        self.kind = kind
        self.resource_name = name

    def compose(self) -> ComposeResult:
        yield Static(f"CloudTrail history of {self.kind.singular} {self.resource_name}: coming with the audit issue.")
        yield Footer()

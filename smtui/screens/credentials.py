"""The prompt shown once when AWS says the credentials have expired."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static


class ExpiredCredentialsScreen(ModalScreen[bool]):
    """Credentials expired: say what happened and how to go on, without restarting smtui."""

    DEFAULT_CSS = """
    ExpiredCredentialsScreen { align: center middle; }
    #credentials-box { width: 80; max-width: 95%; height: auto;
        border: thick $error; background: $surface; padding: 1 2; }
    """

    HELP_TITLE = "expired credentials"
    BINDINGS = [
        Binding("enter", "retry", "I have refreshed them: retry", id="credentials.retry"),
        Binding("escape", "dismiss(False)", "Not now", id="credentials.later"),
    ]

    def __init__(self, err: Any) -> None:
        super().__init__()
        self.err = err

    def compose(self) -> ComposeResult:
        with Vertical(id="credentials-box"):
            yield Static(Text("Your AWS credentials have expired", style="bold"))
            yield Static(Text(self.err.one_line()))
            yield Static(
                Text(
                    "Refresh them in another terminal (for example `aws sso login --profile NAME`, or new keys "
                    "in ~/.aws/credentials), then press enter: smtui reads them again and every pane reloads. "
                    "escape closes this; ctrl+r retries later."
                )
            )

    def action_retry(self) -> None:
        self.dismiss(True)

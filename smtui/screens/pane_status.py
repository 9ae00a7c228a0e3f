"""What a resource pane says about itself: its state (loading, empty, filtered away, or the error that hit it,
with code, message, request id and what to do) and its status line (counts, filters, the cursor row's
creation time, when it was refreshed, throttling)."""

from __future__ import annotations

import time
from typing import Any, Protocol

from rich.text import Text

from smtui.aws import listing
from smtui.aws.errors import AwsError
from smtui.aws.listing import DescribeCache, Listing, ServerFilter
from smtui.aws.resources import ResourceKind
from smtui.text import clean
from smtui.widgets.resource_table import ResourceTable

#: how long a throttling notice stays in a pane's status line after the last one
NOTICE_SECONDS = 10.0


class Notices:
    """The latest notice (throttling, backing off) about some operations, shown for a while after it came."""

    def __init__(self, *operations: str) -> None:
        self.operations = operations
        self.text = ""
        self.at = 0.0

    def take(self, message: str) -> bool:
        """Keep ``message`` when it is about one of the operations (it starts with the API name)."""
        if not message.startswith(self.operations):
            return False
        self.text, self.at = clean(message), time.monotonic()
        return True

    def current(self) -> str:
        return self.text if self.text and time.monotonic() - self.at < NOTICE_SECONDS else ""


class PaneView(Protocol):
    """What a pane's state and status line are made of (:class:`smtui.screens.pane.ResourcePane`)."""

    kind: ResourceKind
    table: ResourceTable
    listing: Listing
    cache: DescribeCache
    server_filter: ServerFilter
    error: AwsError | None
    loaded: bool
    busy: bool
    pages: int
    filter_error: str
    compact: bool
    last_refreshed: Any
    notices: Notices

    @property
    def region_name(self) -> str: ...

    def run_worker(self, work: Any, name: str | None = "", group: str = "default") -> Any: ...

    def describe_succeeded(self) -> None: ...


def state_message(pane: PaneView) -> tuple[str, Text | None]:
    """The state's CSS class (``-error``, ``-loading``, ``-empty`` or ``""``) and message (``None``: the table)."""
    n = len(pane.table)
    shown = pane.table.row_count
    what = pane.kind.title.lower()
    if pane.error is not None:
        message = Text(pane.error.details(), style="")
        message.stylize("bold", 0, len(pane.error.code))
        return "-error", message
    if not pane.loaded and (pane.busy or not pane.listing.complete):
        return "-loading", Text(f"Loading {what} in {pane.region_name}…")
    if n == 0:
        where = f" matching {pane.server_filter.describe()}" if pane.server_filter else ""
        message = Text(f"No {what} in {pane.region_name}{where}.")
        if pane.server_filter:
            message.append("  f changes the server filter.", style="dim")
        return "-empty", message
    if shown == 0 and pane.table.filter_text:
        message = Text(f"No {what} match the filter ")
        message.append(clean(pane.table.filter_text), style="bold")
        message.append(f" ({n:,} hidden). escape clears it.")
        return "-empty", message
    return "", None


def status_line(pane: PaneView) -> tuple[Text, Text]:
    """The left and right halves of the pane's status line."""
    n = len(pane.table)
    left = Text()
    left.append(pane.kind.title, style="bold")
    shown = pane.table.row_count
    left.append(f" {shown:,}" if shown == n else f" {shown:,} of {n:,}")
    if pane.busy and pane.loaded:
        left.append(f" (page {pane.pages}…)", style="dim")
    if pane.table.filter_text:
        left.append("  /", style="dim")
        left.append(clean(pane.table.filter_text), style="bold yellow")
    if pane.filter_error:
        left.append(f"  {pane.filter_error}", style="bold red")
    if pane.server_filter:
        left.append(f"  server: {pane.server_filter.describe()}", style="cyan")
    right = Text()
    key = pane.table.cursor_key
    if key is not None and key in pane.listing.summaries and not pane.compact:
        created = pane.listing.summaries[key].get("CreationTime")
        if created is not None:
            right.append(f"created {listing.iso(created)}  ", style="dim")
    if pane.error is not None and pane.loaded:
        right.append(f"{pane.error.code}  ", style="bold red")
    if pane.last_refreshed is not None:
        right.append(f"refreshed {listing.ago(pane.last_refreshed)}")
    if pane.busy:
        right.append("  refreshing…" if pane.last_refreshed is not None else "loading…", style="yellow")
    notice = pane.notices.current()
    if notice:
        right.append(f"  {notice}", style="yellow")
    return left, right

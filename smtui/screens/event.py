"""The whole CloudTrail event: key fields (who, what, when, from where, on what) on top, then the
record as pretty JSON, cleaned of control sequences and cut where huge."""

from __future__ import annotations

from typing import ClassVar

from rich.syntax import Syntax
from rich.table import Table
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from smtui.aws.errors import AwsError
from smtui.aws.trail.events import TrailEvent, pretty_json
from smtui.aws.trail.parse import parse_event
from smtui.shell import ReportsFailures, shell
from smtui.widgets.footer import KeyFooter

#: above this many characters the JSON is shown without syntax colours (they cost time)
_HIGHLIGHT_LIMIT = 200_000


def key_fields_table(ev: TrailEvent) -> Table:
    table = Table(box=None, show_header=False, expand=True, pad_edge=False)
    table.add_column("field", style="bold cyan", no_wrap=True, width=16)
    table.add_column("value")
    for name, value in ev.key_fields():
        style = ""
        if name == "problem":
            style = "bold yellow"
        elif name == "result" and ev.failed:
            style = "bold red"
        elif name == "sourceIdentity" and ev.source_identity is None:
            style = "dim italic"
        elif name == "insight":
            style = "magenta"
        elif name == "read-only" and ev.read_only_inferred:
            style = "dim"
        table.add_row(Text(name), Text(value, style=style))
    return table


class EventScreen(ReportsFailures, Screen[None]):
    """One event, whole. Values were cleaned by :mod:`smtui.aws.trail.parse`; nothing is parsed as markup."""

    HELP_TITLE = "CloudTrail event"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "app.pop_screen", "Back", id="event.back"),
        Binding("c", "copy", "Copy JSON", id="event.copy"),
    ]

    DEFAULT_CSS = """
    EventScreen #event-title { padding: 0 1; }
    EventScreen #event-keys { height: auto; padding: 0 1; border-bottom: solid $primary-muted; }
    EventScreen #event-json-scroll { height: 1fr; padding: 0 1; }
    """

    def __init__(self, ev: TrailEvent) -> None:
        super().__init__()
        self.event = ev

    def compose(self) -> ComposeResult:
        ev = self.event
        yield Static(
            Text(f"{ev.name} · {ev.when()} UTC · {ev.identity_label}", style="bold"), id="event-title"
        )
        yield Static(key_fields_table(ev), id="event-keys")
        with VerticalScroll(id="event-json-scroll"):
            yield Static(self._json_renderable(), id="event-json")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#event-json-scroll").focus()
        if (
            self.event.raw is None
            and not self.event.raw_text
            and self.event.event_id
            and not self.event.problem
        ):
            # a row from CloudTrail Lake carries only some columns: fetch the whole record if it is
            # still in the 90-day event history
            self.fetch_whole()

    def _json_renderable(self) -> Syntax | Text:
        text = pretty_json(self.event)
        if self.event.raw is None or len(text) > _HIGHLIGHT_LIMIT:
            return Text(text)
        return Syntax(text, "json", theme="ansi_dark", word_wrap=True, background_color="default")

    @work(exclusive=True, group="event-fetch")
    async def fetch_whole(self) -> None:
        aws = await shell(self).get_aws()
        try:
            page = await aws.call(
                "cloudtrail",
                "lookup_events",
                MaxResults=1,
                LookupAttributes=[{"AttributeKey": "EventId", "AttributeValue": self.event.event_id}],
            )
        except AwsError as err:
            self.notify(err.details(), title="Whole event", severity="warning", timeout=6)
            return
        items = page.get("Events") or []
        if not items:
            return
        full = parse_event(items[0])
        if full.raw is not None:
            self.event = full
            self.query_one("#event-keys", Static).update(key_fields_table(full))
            self.query_one("#event-json", Static).update(self._json_renderable())

    def action_copy(self) -> None:
        self.app.copy_to_clipboard(pretty_json(self.event))
        self.notify("Event JSON copied to the clipboard.", timeout=2)

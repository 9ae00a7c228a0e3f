"""The Audit pane (pane 5): CloudTrail events by sourceIdentity.

LookupEvents cannot filter on sourceIdentity, so the pane scans a time window (default the last 24 hours,
EventSource=sagemaker.amazonaws.com) page by page, at most 2 requests/s (the session's shared limiter),
newest first, appending rows as pages arrive, with a progress line and ``x`` to cancel. Identities seen are
listed with their counts (a list that collapses; ``b``); picking one (or typing one, or the "(no
sourceIdentity)" group) filters the table. The event name filter goes to the server as the exact lookup
attribute; the resource filter looks the name up, then scans the window for events that name it. With
``--trail-athena`` (an organisation trail in S3: every account and region, beyond 90 days), ``--trail-lake``
or ``--trail-log-group`` the identity filter runs server-side instead (:mod:`smtui.screens.audit_server`),
and the account and region columns appear when the events come from more than one.

smtui's own calls (every refresh of every pane lands in the trail) are hidden by default, and the status
line says how many; ``h`` shows them. The header is two lines at any width: the domains' sourceIdentity
coverage, and where the scan is with what filters; ``d`` shows the details. ``ctrl+s`` saves the filtered
events (or, in the summary, the identity summary) as JSON, CSV, TSV or Markdown, the query at the top.
"""

from __future__ import annotations

import asyncio
import contextlib
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.css.query import NoMatches
from textual.widgets import DataTable, Input, OptionList, Static

from smtui.aws.errors import AwsError
from smtui.aws.timegrammar import fmt_span, parse_window
from smtui.aws.trail import lookup
from smtui.aws.trail.events import DEFAULT_WINDOW, RETENTION, TrailEvent
from smtui.aws.trail.filters import EventFilter, IdentityIndex
from smtui.aws.trail.lookup import ScanProgress, TrailQuery
from smtui.screens.audit_lines import (
    ALL,
    ID_PREFIX,
    filters_text,
    identity_options,
    status_line,
    summary_rows,
)
from smtui.screens.audit_prompts import AuditPrompts
from smtui.screens.audit_server import AuditServerSide
from smtui.shell import ReportsFailures, shell
from smtui.widgets.resource_table import ResourceTable
from smtui.widgets.trail_table import event_table

__all__ = ["AuditPane", "parse_window"]

SUMMARY_COLUMNS: tuple[tuple[str, str], ...] = (
    ("identity", "SOURCE IDENTITY"),
    ("calls", "CALLS"),
    ("mutating", "MUTATING"),
    ("failed", "FAILED"),
    ("actions", "CREATE/UPDATE/STOP/DELETE"),
    ("first", "FIRST SEEN"),
    ("last", "LAST SEEN"),
    ("principals", "PRINCIPALS"),
)
#: below this pane width the identity list starts collapsed
WIDE = 120


class AuditPane(ReportsFailures, AuditPrompts, AuditServerSide, Vertical):
    """Pane 5: CloudTrail events filtered by sourceIdentity."""

    HELP = (
        "CloudTrail (LookupEvents, 2 requests/s, 50 events a page) scanned newest first over the time "
        "window; sourceIdentity is read from each event. i picks an identity from those seen, I types one, "
        "b shows or hides the list; e and o filter by event name or resource; m, f and / filter on the "
        "client; h shows smtui's own calls; s shows the per-identity summary; d the details; ctrl+s saves; "
        "enter opens the whole event; x stops loading."
    )
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("i", "identities", "Identity", id="audit.identity"),
        Binding("I", "prompt('identity')", "Type identity", show=False, id="audit.identity-type"),
        Binding("b", "toggle_list", "List", show=False, id="audit.list"),
        Binding("e", "prompt('event')", "Event", id="audit.event"),
        Binding("o", "prompt('resource')", "Resource", id="audit.resource"),
        Binding("slash", "prompt('text')", "Filter", show=False, id="audit.filter"),
        Binding("m", "flip('mutating')", "Mutating", id="audit.mutating"),
        Binding("f", "flip('failed')", "Failed", show=False, id="audit.failed"),
        Binding("h", "flip('own')", "Own calls", id="audit.own"),
        Binding("s", "summary", "Summary", id="audit.summary"),
        Binding("w", "prompt('window')", "Window", id="audit.window"),
        Binding("d", "details", "Details", show=False, id="audit.details"),
        Binding("ctrl+s", "prompt('save')", "Save", id="audit.save"),
        Binding("x", "cancel", "Stop", show=False, id="audit.cancel"),
        Binding("r", "reload", "Reload", show=False, id="audit.reload"),
        Binding("c", "clear", "Clear filters", show=False, id="audit.clear"),
    ]
    DEFAULT_CSS = """
    AuditPane { height: 1fr; }
    AuditPane #audit-domains { height: 1; color: $text-muted; }
    AuditPane #audit-domains.-off { color: $warning; }
    AuditPane #audit-status { height: 1; }
    AuditPane #audit-error { height: auto; max-height: 4; color: $error; display: none; }
    AuditPane #audit-body { height: 1fr; }
    AuditPane #audit-events { width: 1fr; }
    AuditPane #audit-summary { width: 1fr; display: none; }
    AuditPane #audit-identities { width: 22; height: 1fr; border: none; border-left: solid $primary-muted; }
    AuditPane #audit-identities.-collapsed { display: none; }
    AuditPane #audit-input { display: none; }
    """

    def __init__(self, *, window: timedelta = DEFAULT_WINDOW, **kw: Any) -> None:
        super().__init__(**kw)
        self.window = window
        self.start_at: datetime | None = None  # explicit window start (else now - window)
        self.end_at: datetime | None = None  # explicit window end (else now)
        self.filter = EventFilter()
        self.server_event_name: str | None = None
        self.server_resource: str | None = None
        self.events: list[TrailEvent] = []
        self.index = IdentityIndex()
        self.progress: ScanProgress | None = None
        self.phase = ""
        self.trail_query: TrailQuery | None = None
        self.domains: list[Any] = []
        self._gen = 0
        self.shown = 0
        self.hidden_own = 0
        self.scanning = False
        self.loaded_once = False
        self.prompt_mode = ""
        self.summary_mode = False
        self.last_error: AwsError | None = None
        self.list_open: bool | None = None  # None: by width; True/False: the user's choice (b)
        self._save_confirm = ""

    # ------------------------------------------------------------------ layout
    def compose(self) -> ComposeResult:
        yield Static(Text("sourceIdentity: checking domains…", style="dim"), id="audit-domains")
        yield Static("", id="audit-status")
        yield Static("", id="audit-error")
        with Horizontal(id="audit-body"):
            yield event_table("audit-events")
            summary: DataTable[Any] = DataTable(id="audit-summary", cursor_type="row")
            for key, title in SUMMARY_COLUMNS:
                summary.add_column(title, key=key)
            yield summary
            yield OptionList(id="audit-identities")
        yield Input(id="audit-input")

    @property
    def table(self) -> ResourceTable:
        return self.query_one("#audit-events", ResourceTable)

    def on_mount(self) -> None:
        if not self.query("#audit-identities"):
            return  # the app quit while this pane was being mounted: its children were never composed
        self._draw_identities()
        self._draw_status()
        shell(self).aws_changed.subscribe(self, self._aws_changed)

    def on_resize(self, event: events.Resize) -> None:
        self._place_list()

    def _place_list(self) -> None:
        with contextlib.suppress(NoMatches):
            ol = self.query_one("#audit-identities", OptionList)
            show = self.list_open if self.list_open is not None else self.size.width >= WIDE
            ol.set_class(not show, "-collapsed")

    def _aws_changed(self, _aws: Any) -> None:
        """New credentials, profile or region: read the domains and the window again."""
        if self.loaded_once:
            self.load_domains()
            self.action_reload()

    def on_show(self) -> None:
        focused = self.screen.focused
        if self.screen.is_current and (focused is None or self not in focused.ancestors):
            self.table.focus()
        self._place_list()
        if not self.loaded_once:
            self.loaded_once = True
            self.load_domains()
            self.action_reload()

    # ------------------------------------------------------------------ loading
    def _window(self) -> tuple[datetime, datetime]:
        now = datetime.now(UTC)
        end = self.end_at or now
        start = self.start_at or (end - self.window)
        if end - start > RETENTION and not self.server_side:
            start = end - RETENTION  # LookupEvents keeps 90 days; a server-side trail what its storage keeps
        return start, end

    def make_query(self) -> TrailQuery:
        start, end = self._window()
        return TrailQuery(
            start=start, end=end, event_name=self.server_event_name, resource_name=self.server_resource
        )

    def action_reload(self) -> None:
        self.trail_query = self.make_query()
        self.load(self.trail_query)

    def action_cancel(self) -> None:
        if self.scanning:
            self.workers.cancel_group(self, "audit-load")

    def _reset(self) -> None:
        self.events = []
        self.index = IdentityIndex()
        self.shown = self.hidden_own = 0
        self.table.clear()
        self._error(None)
        self._draw_identities()  # the counts of the last scan are gone with it
        if self.summary_mode:
            self._draw_summary()

    @work(exclusive=True, group="audit-load")
    async def load(self, query: TrailQuery) -> None:
        self._gen += 1
        gen = self._gen
        self._reset()
        self.scanning = True
        self.phase = ""
        self.progress = ScanProgress(start=query.start, end=query.end)
        self._draw_status()
        mode = self.server_side
        try:
            aws = await shell(self).get_aws()
            if mode:
                await self._load_server_side(aws, query, mode)
            elif query.resource_name:
                # a ResourceName lookup, then the window scanned for events that name it (CloudTrail fills
                # Resources for only some SageMaker calls): the same two steps as `smtui trail --resource`
                async for new, progress, phase in lookup.resource_history(
                    aws, query.resource_name, start=query.start, end=query.end, event_source=query.event_source
                ):  # fmt: skip
                    self.progress, self.phase = progress, phase
                    self._add([e for e in new if query.accepts(e)])
                    self._draw_status()
            else:
                async for kept, progress in lookup.scan(aws, query):
                    self.progress = progress
                    self._add(kept)
                    self._draw_status()
        except asyncio.CancelledError:
            if gen == self._gen and self.progress is not None:
                self.progress.cancelled = True
            raise
        except NoMatches:  # the pane was taken down while a page was being drawn (the app is exiting)
            return
        except (AwsError, ValueError) as err:
            aws_err = err if isinstance(err, AwsError) else AwsError("InvalidQuery", str(err))
            if self.progress is not None:
                self.progress.error = aws_err
            self._error(aws_err)
            shell(self).report_error(aws_err)
        finally:
            if gen == self._gen:
                self.scanning = False
                if self.is_attached:
                    with contextlib.suppress(NoMatches):
                        self._draw_status()

    def _counted(self, events: list[TrailEvent]) -> list[TrailEvent]:
        """The events the identity list and summary count: smtui's own calls only when they are shown."""
        return events if self.filter.show_own else [e for e in events if not e.own]

    def _add(self, events: list[TrailEvent]) -> None:
        """Append a page: rows for the events that pass the filter, counts for the identity list."""
        if not events:
            return
        base = len(self.events)
        self.events.extend(events)
        self.index.add(self._counted(events))
        flt = self.filter
        rows = [(str(i), ev) for i, ev in enumerate(events, base) if flt.matches(ev)]
        self.hidden_own += sum(1 for ev in events if flt.hides_own(ev))
        self.table.upsert(rows)
        self.shown += len(rows)
        self._draw_identities()
        if self.summary_mode:
            self._draw_summary()

    def _refilter(self, *, recount: bool = False) -> None:
        table = self.table
        table.clear()
        flt = self.filter
        rows = [(str(i), ev) for i, ev in enumerate(self.events) if flt.matches(ev)]
        table.upsert(rows)
        self.shown = len(rows)
        self.hidden_own = sum(1 for ev in self.events if flt.hides_own(ev))
        if recount:
            self.index = IdentityIndex()
            self.index.add(self._counted(self.events))
        if rows:
            table.cursor_index = 0
        self._draw_status()
        self._draw_identities()
        if self.summary_mode:
            self._draw_summary()

    # ------------------------------------------------------------------ drawing
    def _draw_status(self) -> None:
        line = status_line(
            self.progress,
            self.filter,
            filters=filters_text(self.filter, self.server_event_name, self.server_resource),
            window=self.window_label(),
            phase=self.phase,
            shown=self.shown,
            hidden_own=self.hidden_own,
            scanning=self.scanning,
        )
        self.query_one("#audit-status", Static).update(line)

    def window_label(self) -> str:
        if self.start_at is None and self.end_at is None:
            return f"last {fmt_span(self.window)}"
        start, end = self._window()
        return f"{start:%m-%d %H:%M}..{end:%m-%d %H:%M}"

    def _draw_identities(self) -> None:
        ol = self.query_one("#audit-identities", OptionList)
        highlighted = ol.highlighted_option.id if ol.highlighted_option is not None else None
        ol.clear_options()
        ol.add_options(identity_options(self.index, self.filter.identity))
        if highlighted is not None:
            with contextlib.suppress(Exception):
                ol.highlighted = ol.get_option_index(highlighted)

    def _draw_summary(self) -> None:
        table = self.query_one("#audit-summary", DataTable)
        table.clear()
        for cells, key in summary_rows(self.index):
            table.add_row(*cells, key=key)

    def _error(self, err: AwsError | None) -> None:
        box = self.query_one("#audit-error", Static)
        self.last_error = err
        if err is None:
            box.display = False
            return
        box.update(Text(err.details()))
        box.display = True

    # ------------------------------------------------------------------ domains
    @work(exclusive=True, group="audit-domains")
    async def load_domains(self) -> None:
        from smtui.aws.domains import domain_identities, summary_line

        box = self.query_one("#audit-domains", Static)
        try:
            aws = await shell(self).get_aws()
            domains = await domain_identities(aws)
        except AwsError as err:
            box.update(Text(f"sourceIdentity: cannot list domains ({err.one_line()})", style="yellow"))
            return
        off = [d for d in domains if not d.on]
        box.set_class(bool(off), "-off")
        box.update(Text(summary_line(domains, short=True) + (" · d details" if off else ""), no_wrap=True))
        self.domains = domains

    def details(self) -> str:
        """The header's details (``d``): every domain's note, the query, the filters, the source."""
        lines = [d.note() for d in self.domains] or ["no domain information yet"]
        if self.trail_query is not None:
            lines.append("query: " + self.trail_query.describe())
        lines.append("filters: " + self.filter.describe())
        if self.server_side:
            what = "every filter" if self.server_filters_all else "identity, event, resource and window"
            lines.append(f"{what} filtered server-side ({self.server_target})")
        if self.progress is not None and self.progress.note:
            lines.append(self.progress.note)
        if self.progress is not None:
            lines.append("progress: " + self.progress.line())
        return "\n".join(lines)

    def action_details(self) -> None:
        self.notify(self.details(), title="Audit", timeout=12)

    # ------------------------------------------------------------------ actions
    def set_filter(self, text: str) -> None:
        """``:audit alice`` picks identity ``alice`` (the command line's argument)."""
        self.pick_identity(text.strip() or None)

    def pick_identity(self, identity: str | None) -> None:
        if identity == self.filter.identity:
            return
        self.filter = self.filter.with_(identity=identity)
        if self.server_side:
            self.action_reload()
        else:
            self._refilter()

    def action_identities(self) -> None:
        if self.summary_mode:
            self.action_summary()
        ol = self.query_one("#audit-identities", OptionList)
        if ol.has_class("-collapsed"):
            self.list_open = True
            self._place_list()
        ol.focus()

    def action_toggle_list(self) -> None:
        ol = self.query_one("#audit-identities", OptionList)
        self.list_open = ol.has_class("-collapsed")
        self._place_list()
        if not self.list_open and ol.has_focus:
            self.table.focus()

    @on(OptionList.OptionSelected, "#audit-identities")
    def _identity_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        oid = event.option.id or ALL
        self.pick_identity(None if oid == ALL else oid[len(ID_PREFIX) :])
        if self.size.width < WIDE and self.list_open:
            self.list_open = None  # narrow: the list folds away again once an identity is picked
            self._place_list()
        self.table.focus()

    def action_flip(self, what: str) -> None:
        f = self.filter
        if what == "mutating":
            self.filter = f.with_(mutating_only=not f.mutating_only)
        elif what == "failed":
            self.filter = f.with_(failed_only=not f.failed_only)
        elif what == "own":
            self.filter = f.with_(show_own=not f.show_own)
        if what != "own" and self.server_filters_all:
            self.action_reload()
        else:
            self._refilter(recount=what == "own")

    def action_clear(self) -> None:
        f = self.filter
        server_filters = bool(self.server_event_name or self.server_resource) or (
            self.server_filters_all and (f.mutating_only or f.failed_only or bool(f.text))
        )
        had_identity = f.identity is not None
        self.filter = EventFilter()
        self.server_event_name = self.server_resource = None
        if server_filters or (had_identity and self.server_side):
            self.action_reload()
        else:
            self._refilter(recount=True)

    def action_summary(self) -> None:
        self.summary_mode = not self.summary_mode
        summary = self.query_one("#audit-summary", DataTable)
        summary.display = self.summary_mode
        self.table.display = not self.summary_mode
        if self.summary_mode:
            self._draw_summary()
            summary.focus()
        else:
            self.table.focus()

    @on(DataTable.RowSelected, "#audit-summary")
    def _summary_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        key = event.row_key.value or ""
        self.action_summary()
        self.pick_identity(key[len(ID_PREFIX) :] if key.startswith(ID_PREFIX) else None)

    @on(Input.Submitted, "#audit-input")
    def _prompt_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.submit_prompt(event.value)

    @on(ResourceTable.Selected, "#audit-events")
    def _event_selected(self, event: ResourceTable.Selected) -> None:
        event.stop()
        self.open_event(event.key)

    def open_event(self, key: str | None) -> None:
        if key is None:
            return
        try:
            ev = self.events[int(key)]
        except (ValueError, IndexError):
            return
        from smtui.screens.event import EventScreen

        self.app.push_screen(EventScreen(ev))

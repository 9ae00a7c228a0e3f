"""The Audit pane (pane 5): CloudTrail events by sourceIdentity, and one resource's CloudTrail history.

LookupEvents cannot filter on sourceIdentity, so the pane scans a time window (default the last
24 hours, EventSource=sagemaker.amazonaws.com) page by page, at most 2 requests/s (the session's
shared limiter), newest first, appending rows as pages arrive, with a progress line and ``x`` to
cancel. Identities seen are listed with their counts; picking one (or typing one, or the
"(no sourceIdentity)" group) filters the table. Event name and resource filters go to the server
as the exact lookup attribute. With ``--trail-lake`` or ``--trail-log-group`` the sourceIdentity
filter runs server-side instead (CloudTrail Lake SQL, Logs Insights).
"""

from __future__ import annotations

import asyncio
import contextlib
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.css.query import NoMatches
from textual.screen import Screen
from textual.suggester import SuggestFromList
from textual.widgets import DataTable, Input, OptionList, Static
from textual.widgets.option_list import Option

from smtui.aws import trail
from smtui.aws.errors import AwsError
from smtui.aws.resources import ResourceKind
from smtui.aws.trail import (
    NO_IDENTITY,
    NO_IDENTITY_LABEL,
    RETENTION,
    EventFilter,
    IdentityIndex,
    ScanProgress,
    TrailEvent,
    TrailQuery,
)
from smtui.shell import ReportsFailures, shell
from smtui.widgets.footer import KeyFooter
from smtui.widgets.resource_table import ResourceTable, TableColumn


def _time_value(ev: TrailEvent) -> Any:
    return ev.time.timestamp() if ev.time else None


#: The event table's columns (a virtualised table: thousands of rows, only those on screen drawn)
COLUMNS: tuple[TableColumn, ...] = (
    TableColumn("time", "TIME (UTC)", width=14, sort_value=_time_value),
    TableColumn("event", "EVENT", min_width=10, max_width=30, measure=lambda ev: len(ev.name)),
    TableColumn(
        "identity",
        "SOURCE IDENTITY",
        min_width=10,
        max_width=24,
        measure=lambda ev: len(ev.source_identity or "(none)") + 2,
    ),
    TableColumn(
        "principal", "PRINCIPAL", min_width=12, max_width=44, measure=lambda ev: len(ev.principal_label)
    ),
    TableColumn("resource", "RESOURCE", min_width=10, max_width=36, measure=lambda ev: len(ev.resource)),
    TableColumn("ip", "SOURCE IP", min_width=9, max_width=18, measure=lambda ev: len(ev.source_ip)),
    TableColumn("error", "ERROR", min_width=7, max_width=28, measure=lambda ev: len(ev.error_code)),
    TableColumn("ro", "R/W", width=5),
    TableColumn("note", "NOTE", min_width=4, max_width=200, measure=lambda ev: len(ev.problem), expand=True),
)
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
_ALL = "all"
_ID_PREFIX = "id:"


def _short(s: str, n: int) -> str:
    return s if len(s) <= n else s[: n - 1] + "…"


def event_cells(ev: TrailEvent) -> list[tuple[str, str]]:
    """The cells of one event row as (text, style). Every string was cleaned by the data layer and
    is drawn as plain text, never parsed as markup."""
    ident = (ev.source_identity, "bold") if ev.source_identity else ("(none)", "dim italic")
    if ev.identity_origin == "damaged":
        ident = (ident[0] + " ?", "yellow")
    if ev.read_only is None:
        rw = ("?", "dim")
    else:
        rw = ("read", "dim") if ev.read_only else ("write", "yellow")
    return [
        (ev.time.strftime("%m-%d %H:%M:%S") if ev.time else "?", ""),
        (ev.name, "bold red" if ev.failed else ""),
        ident,
        (ev.principal_label, ""),
        (ev.resource, ""),
        (ev.source_ip, ""),
        (ev.error_code, "red"),
        rw,
        (_short(ev.problem, 200), "yellow"),
    ]


def _format(key: str, ev: TrailEvent) -> list[tuple[str, str]]:
    return event_cells(ev)


def _search(key: str, ev: TrailEvent) -> str:
    return ev.haystack()


def event_table(id: str) -> ResourceTable:
    table = ResourceTable(COLUMNS, _format, search_text=_search, id=id)
    table.sort_by("time", reverse=True)
    return table


def _fmt_time(t: datetime | None) -> str:
    return t.strftime("%Y-%m-%d %H:%M") if t else "?"


def parse_window(text: str, *, now: datetime | None = None) -> tuple[datetime, datetime | None]:
    """``24h``, ``7d``, ``90d`` (the last ...), ``FROM..TO`` or ``since FROM`` (times as
    :func:`smtui.aws.trail.parse_when` reads them). Returns (start, end or None for now)."""
    now = now or datetime.now(UTC)
    text = text.strip()
    if ".." in text:
        a, b = text.split("..", 1)
        start = trail.parse_when(a, now=now)
        end = trail.parse_when(b, now=now) if b.strip() else None
    elif text.lower().startswith("since "):
        start, end = trail.parse_when(text[6:], now=now), None
    else:
        start, end = now - trail.parse_span(text), None
    if end is not None and end <= start:
        raise ValueError("the window ends before it starts")
    return start, end


class AuditPane(ReportsFailures, Vertical):
    """Pane 5: CloudTrail events filtered by sourceIdentity."""

    HELP = (
        "CloudTrail (LookupEvents, 2 requests/s, 50 events a page) scanned newest first over the time "
        "window; sourceIdentity is read from each event. i picks an identity from those seen, I types "
        "one; e and o filter by event name or resource on the server; m, f and / filter on the client; "
        "s shows the per-identity summary; enter opens the whole event; x stops loading."
    )
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("i", "identities", "Pick identity", id="audit.identity"),
        Binding("I", "prompt('identity')", "Type identity", id="audit.identity-type"),
        Binding("e", "prompt('event')", "Event name", id="audit.event"),
        Binding("o", "prompt('resource')", "On resource", id="audit.resource"),
        Binding("slash", "prompt('text')", "Filter", id="audit.filter"),
        Binding("m", "toggle('mutating')", "Mutating only", id="audit.mutating"),
        Binding("f", "toggle('failed')", "Failed only", id="audit.failed"),
        Binding("s", "summary", "Summary", id="audit.summary"),
        Binding("w", "prompt('window')", "Time window", id="audit.window"),
        Binding("x", "cancel", "Stop loading", id="audit.cancel"),
        Binding("r", "reload", "Reload", id="audit.reload"),
        Binding("c", "clear", "Clear filters", id="audit.clear"),
    ]
    DEFAULT_CSS = """
    AuditPane { height: 1fr; }
    AuditPane #audit-domains { height: auto; max-height: 4; color: $text-muted; }
    AuditPane #audit-domains.-off { color: $warning; }
    AuditPane #audit-progress { height: 1; }
    AuditPane #audit-filters { height: 1; color: $text-muted; }
    AuditPane #audit-error { height: auto; color: $error; display: none; }
    AuditPane #audit-body { height: 1fr; }
    AuditPane #audit-events { width: 1fr; }
    AuditPane #audit-summary { width: 1fr; display: none; }
    AuditPane #audit-identities { width: 26; height: 1fr; border-left: solid $primary-muted; }
    AuditPane #audit-input { display: none; }
    """

    def __init__(self, *, window: timedelta = trail.DEFAULT_WINDOW, **kw: Any) -> None:
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
        self.trail_query: TrailQuery | None = None
        self.domains: list[Any] = []
        self._gen = 0
        self.shown = 0
        self.scanning = False
        self.loaded_once = False
        self.prompt_mode = ""
        self.summary_mode = False
        self.last_error: AwsError | None = None

    # ------------------------------------------------------------------ layout
    def compose(self) -> ComposeResult:
        yield Static(Text("sourceIdentity: checking domains…", style="dim"), id="audit-domains")
        yield Static("", id="audit-progress")
        yield Static("", id="audit-filters")
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

    @property
    def options(self) -> dict[str, Any]:
        settings = shell(self).settings
        return {"trail_lake": settings.trail_lake, "trail_log_group": settings.trail_log_group}

    @property
    def server_side(self) -> str:
        """ "lake", "insights" or "" (LookupEvents)."""
        opts = self.options
        if opts.get("trail_lake"):
            return "lake"
        if opts.get("trail_log_group"):
            return "insights"
        return ""

    def on_mount(self) -> None:
        if not self.query("#audit-identities"):
            return  # the app quit while this pane was being mounted: its children were never composed
        self._draw_identities()
        self._draw_filters()
        shell(self).aws_changed.subscribe(self, self._aws_changed)

    def _aws_changed(self, _aws: Any) -> None:
        """New credentials, profile or region: read the domains and the window again."""
        if self.loaded_once:
            self.load_domains()
            self.action_reload()

    def on_show(self) -> None:
        focused = self.screen.focused
        if self.screen.is_current and (focused is None or self not in focused.ancestors):
            self.table.focus()
        if not self.loaded_once:
            self.loaded_once = True
            self.load_domains()
            self.action_reload()

    # ------------------------------------------------------------------ loading
    def _window(self) -> tuple[datetime, datetime]:
        now = datetime.now(UTC)
        end = self.end_at or now
        start = self.start_at or (end - self.window)
        if end - start > RETENTION:
            start = end - RETENTION
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
        self.shown = 0
        self.table.clear()
        self._error(None)

    @work(exclusive=True, group="audit-load")
    async def load(self, query: TrailQuery) -> None:
        self._gen += 1
        gen = self._gen
        self._reset()
        self.scanning = True
        self.progress = ScanProgress(start=query.start, end=query.end)
        self._draw_progress()
        mode = self.server_side
        try:
            aws = await shell(self).get_aws()
            if mode:
                await self._load_server_side(aws, query, mode)
            else:
                async for kept, progress in trail.scan(aws, query):
                    self.progress = progress
                    self._add(kept)
                    self._draw_progress()
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
                        self._draw_progress()

    async def _load_server_side(self, aws: Any, query: TrailQuery, mode: str) -> None:
        opts = self.options
        identity = self.filter.identity
        via = "CloudTrail Lake" if mode == "lake" else "Logs Insights"
        progress = ScanProgress(start=query.start, end=query.end, via=via, status="starting")
        self.progress = progress
        self._draw_progress()

        def on_status(st: trail.QueryStatus) -> None:
            progress.status = st.status
            progress.scanned = st.scanned or st.total  # Insights: records scanned; Lake: results found
            progress.matched = st.matched
            self._draw_progress()

        kw = dict(
            source_identity=identity,
            event_source=query.event_source,
            event_name=query.event_name,
            on_status=on_status,
        )
        if mode == "lake":
            events = await trail.lake_events(aws, opts["trail_lake"], query.start, query.end, **kw)
        else:
            events = await trail.insights_events(aws, opts["trail_log_group"], query.start, query.end, **kw)
        events = [e for e in events if query.accepts(e)]
        progress.pages = 1
        progress.matched = len(events)
        progress.done = True
        self._add(events)

    def _add(self, events: list[TrailEvent]) -> None:
        """Append a page: rows for the events that pass the filter, counts for the identity list."""
        if not events:
            return
        base = len(self.events)
        self.events.extend(events)
        self.index.add(events)
        flt = self.filter
        rows = [(str(i), ev) for i, ev in enumerate(events, base) if flt.matches(ev)]
        self.table.upsert(rows)
        self.shown += len(rows)
        self._draw_identities()
        if self.summary_mode:
            self._draw_summary()

    def _refilter(self) -> None:
        table = self.table
        table.clear()
        flt = self.filter
        rows = [(str(i), ev) for i, ev in enumerate(self.events) if flt.matches(ev)]
        table.upsert(rows)
        self.shown = len(rows)
        if rows:
            table.cursor_index = 0
        self._draw_filters()
        self._draw_progress()
        self._draw_identities()

    # ------------------------------------------------------------------ drawing
    def _draw_progress(self) -> None:
        p = self.progress
        line = Text()
        if p is not None:
            line.append(p.line(), style="bold" if self.scanning else "")
            if self.scanning:
                line.append(" · x stops", style="dim")
        line.append(f" · showing {self.shown:,} of {len(self.events):,}", style="dim")
        if self.trail_query is not None:
            line.append(f" · {self.trail_query.describe()}", style="dim")
        self.query_one("#audit-progress", Static).update(line)

    def _draw_filters(self) -> None:
        parts = [self.filter.describe()]
        if self.server_event_name:
            parts.append(f"server: EventName={self.server_event_name}")
        if self.server_resource:
            parts.append(f"server: ResourceName={self.server_resource}")
        if self.server_side:
            target = self.options.get("trail_lake") or self.options.get("trail_log_group")
            parts.append(
                f"sourceIdentity filtered server-side ({'Lake' if self.server_side == 'lake' else 'Insights'}"
                f" {target})"
            )
        self.query_one("#audit-filters", Static).update(Text("filters: " + " · ".join(parts)))

    def _draw_identities(self) -> None:
        ol = self.query_one("#audit-identities", OptionList)
        highlighted = ol.highlighted_option.id if ol.highlighted_option is not None else None
        current = self.filter.identity
        options = [
            Option(
                Text.assemble(
                    ("All identities", "bold" if current is None else ""), (f"  {len(self.events):,}", "dim")
                ),
                id=_ALL,
            )
        ]
        summaries = self.index.summaries()
        typed_seen = current is None or any(s.identity == current for s in summaries)
        if not typed_seen:
            summaries = [*summaries, trail.IdentitySummary(current or NO_IDENTITY)]
        for s in summaries:
            mark = "▶ " if current is not None and s.identity == current else ""
            style = "dim italic" if s.identity == NO_IDENTITY else ""
            label = Text.assemble(
                (mark, "bold"),
                (_short(s.label, 24), style + (" bold" if mark else "")),
                (f"  {s.calls:,}", "dim"),
            )
            options.append(Option(label, id=_ID_PREFIX + s.identity))
        ol.clear_options()
        ol.add_options(options)
        if highlighted is not None:
            try:
                ol.highlighted = ol.get_option_index(highlighted)
            except Exception:
                pass

    def _draw_summary(self) -> None:
        table = self.query_one("#audit-summary", DataTable)
        table.clear()
        for s in self.index.summaries():
            table.add_row(
                Text(s.label, style="dim italic" if s.identity == NO_IDENTITY else "bold"),
                Text(f"{s.calls:,}"),
                Text(f"{s.mutating:,}", style="yellow" if s.mutating else ""),
                Text(f"{s.failed:,}", style="red" if s.failed else ""),
                Text(_short(s.actions_text(), 80)),
                Text(_fmt_time(s.first)),
                Text(_fmt_time(s.last)),
                Text(_short(", ".join(p for p, _ in s.principals.most_common(3)), 80)),
                key=_ID_PREFIX + s.identity,
            )

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
        text = Text(summary_line(domains))
        for d in off:
            text.append("\n  " + d.note())
        box.update(text)
        self.domains = domains

    # ------------------------------------------------------------------ actions
    def set_filter(self, text: str) -> None:
        """``:audit alice`` picks identity ``alice`` (the command line's argument)."""
        self.pick_identity(text.strip() or None)

    def pick_identity(self, identity: str | None) -> None:
        if identity == self.filter.identity:
            return
        self.filter = self.filter.with_(identity=identity)
        if self.server_side:
            self._draw_filters()
            self.action_reload()
        else:
            self._refilter()

    def action_identities(self) -> None:
        if self.summary_mode:
            self.action_summary()
        self.query_one("#audit-identities", OptionList).focus()

    @on(OptionList.OptionSelected, "#audit-identities")
    def _identity_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        oid = event.option.id or _ALL
        self.pick_identity(None if oid == _ALL else oid[len(_ID_PREFIX) :])
        self.table.focus()

    def action_toggle(self, what: str) -> None:
        if what == "mutating":
            self.filter = self.filter.with_(mutating_only=not self.filter.mutating_only)
        elif what == "failed":
            self.filter = self.filter.with_(failed_only=not self.filter.failed_only)
        self._refilter()

    def action_clear(self) -> None:
        server = bool(self.server_event_name or self.server_resource)
        had_identity = self.filter.identity is not None
        self.filter = EventFilter()
        self.server_event_name = self.server_resource = None
        if server or (had_identity and self.server_side):
            self._draw_filters()
            self.action_reload()
        else:
            self._refilter()

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
        self.pick_identity(key[len(_ID_PREFIX) :] if key.startswith(_ID_PREFIX) else None)

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

    _PROMPTS: ClassVar[dict[str, str]] = {
        "identity": "sourceIdentity to show (empty: all; '-' : events without one)",
        "event": "event name, exact (e.g. CreateTrainingJob); looked up on the server; empty clears",
        "resource": "resource name, exact; looked up on the server (ResourceName); empty clears",
        "text": "filter text (any column); empty clears",
        "window": "time window: 24h, 7d, 90d, since 2026-11-20, or 2026-11-20T08:00..2026-11-21",
    }

    def action_prompt(self, mode: str) -> None:
        box = self.query_one("#audit-input", Input)
        self.prompt_mode = mode
        box.placeholder = self._PROMPTS.get(mode, mode)
        suggestions: list[str] = []
        if mode == "identity":
            suggestions = [s.identity for s in self.index.summaries() if s.identity]
            box.value = "" if self.filter.identity is None else (self.filter.identity or "-")
        elif mode == "event":
            suggestions = sorted({e.name for e in self.events})
            box.value = self.server_event_name or ""
        elif mode == "resource":
            suggestions = sorted({e.resource for e in self.events if e.resource})
            box.value = self.server_resource or ""
        elif mode == "text":
            box.value = self.filter.text
        elif mode == "window":
            box.value = ""
        box.suggester = SuggestFromList(suggestions, case_sensitive=True) if suggestions else None
        box.display = True
        box.focus()

    def _close_prompt(self) -> None:
        box = self.query_one("#audit-input", Input)
        box.display = False
        self.prompt_mode = ""
        (self.query_one("#audit-summary", DataTable) if self.summary_mode else self.table).focus()

    def on_key(self, event: Any) -> None:
        if event.key == "escape" and self.prompt_mode:
            event.stop()
            self._close_prompt()

    @on(Input.Submitted, "#audit-input")
    def _prompt_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        mode, value = self.prompt_mode, event.value.strip()
        if mode == "identity":
            self._close_prompt()
            self.pick_identity(
                None if not value else (NO_IDENTITY if value in ("-", NO_IDENTITY_LABEL) else value)
            )
        elif mode == "text":
            self._close_prompt()
            self.filter = self.filter.with_(text=value)
            self._refilter()
        elif mode in ("event", "resource"):
            self._close_prompt()
            if mode == "event":
                self.server_event_name = value or None
            else:
                self.server_resource = value or None
            self._draw_filters()
            self.action_reload()
        elif mode == "window":
            try:
                start, end = parse_window(value or "24h")
            except ValueError as exc:
                self.notify(str(exc), severity="warning", timeout=5)
                return
            self._close_prompt()
            now = datetime.now(UTC)
            if (end or now) - start > RETENTION:
                self.notify(
                    "CloudTrail event history keeps 90 days: the window is cut to 90 days.", timeout=4
                )
            if end is None and "since" not in value.lower() and ".." not in value:
                self.start_at, self.end_at, self.window = None, None, (now - start)
            else:
                self.start_at, self.end_at = start, end
            self.action_reload()


class ResourceTrailScreen(ReportsFailures, Screen[None]):
    """CloudTrail history of one resource: LookupEvents ResourceName=<name>, then the EventSource
    window scanned for events that name it; who created, updated, stopped or deleted it."""

    HELP_TITLE = "CloudTrail history"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back", id="trail.back"),
        Binding("x", "cancel", "Stop loading", id="trail.cancel"),
        Binding("r", "reload", "Reload", id="trail.reload"),
        Binding("w", "window", "Time window", id="trail.window"),
    ]
    DEFAULT_WINDOW = timedelta(days=7)
    DEFAULT_CSS = """
    ResourceTrailScreen #trail-lifecycle { height: auto; max-height: 9; padding: 0 1; }
    ResourceTrailScreen #trail-title { padding: 0 1; }
    ResourceTrailScreen #trail-progress { height: 1; }
    ResourceTrailScreen #trail-error { height: auto; color: $error; }
    ResourceTrailScreen #trail-events { height: 1fr; }
    """

    def __init__(self, kind: ResourceKind, name: str, *, start: datetime | None = None) -> None:
        super().__init__()
        self.kind = kind
        self.resource_name = name
        self.start_at = start
        self.events: list[TrailEvent] = []
        self.scanning = False
        self.phase = ""
        self.progress: ScanProgress | None = None
        self._gen = 0

    def compose(self) -> ComposeResult:
        yield Static(
            Text(f"CloudTrail history of {self.kind.singular} {self.resource_name}", style="bold"),
            id="trail-title",
        )
        yield Static(Text("looking up…", style="dim"), id="trail-lifecycle")
        yield Static("", id="trail-progress")
        yield Static("", id="trail-error")
        yield event_table("trail-events")
        yield Input(id="trail-input", placeholder="window start: 7d, 30d, 90d or 2026-11-20T08:00")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#trail-error", Static).display = False
        self.query_one("#trail-input", Input).display = False
        self.query_one("#trail-events", ResourceTable).focus()
        self.action_reload()

    def action_reload(self) -> None:
        self.load()

    def action_cancel(self) -> None:
        if self.scanning:
            self.workers.cancel_group(self, "trail-load")

    def action_window(self) -> None:
        box = self.query_one("#trail-input", Input)
        box.display = True
        box.focus()

    @on(Input.Submitted, "#trail-input")
    def _window_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        try:
            self.start_at = trail.parse_when(event.value or "7d")
        except ValueError as exc:
            self.notify(str(exc), severity="warning")
            return
        event.input.display = False
        self.query_one("#trail-events", ResourceTable).focus()
        self.load()

    async def _creation_time(self, aws: Any) -> datetime | None:
        try:
            resp = await aws.call(
                "sagemaker", self.kind.describe_op, **{self.kind.describe_param: self.resource_name}
            )
        except AwsError:
            return None
        t = resp.get("CreationTime")
        return t if isinstance(t, datetime) else None

    @work(exclusive=True, group="trail-load")
    async def load(self) -> None:
        self._gen += 1
        gen = self._gen
        self.progress = None
        table = self.query_one("#trail-events", ResourceTable)
        table.clear()
        self.events = []
        err_box = self.query_one("#trail-error", Static)
        err_box.display = False
        self.scanning = True
        try:
            aws = await shell(self).get_aws()
            end = datetime.now(UTC)
            start = self.start_at
            if start is None:
                created = await self._creation_time(aws)
                start = (created - timedelta(minutes=15)) if created else end - self.DEFAULT_WINDOW
            start = max(start, end - RETENTION)
            async for new, progress, phase in trail.resource_history(
                aws, self.resource_name, start=start, end=end
            ):
                self.progress, self.phase = progress, phase
                base = len(self.events)
                self.events.extend(new)
                table.upsert((str(i), ev) for i, ev in enumerate(new, base))
                if new:
                    self._draw_lifecycle()
                self._draw_progress()
        except asyncio.CancelledError:
            if gen == self._gen and self.progress is not None:
                self.progress.cancelled = True
            raise
        except AwsError as err:
            err_box.update(Text(err.details()))
            err_box.display = True
            shell(self).report_error(err)
        except NoMatches:  # the screen was taken down while a page was being drawn
            return
        finally:
            if gen == self._gen:
                self.scanning = False
                if self.is_attached:
                    with contextlib.suppress(NoMatches):
                        self._draw_progress()
                        self._draw_lifecycle()

    def _draw_progress(self) -> None:
        line = Text()
        if self.progress is not None:
            what = (
                "ResourceName lookup"
                if self.phase == "ResourceName"
                else "EventSource window, matched by name"
            )
            line.append(f"{what}: {self.progress.line()}")
            if self.scanning:
                line.append(" · x stops", style="dim")
        line.append(f" · {len(self.events)} events", style="dim")
        self.query_one("#trail-progress", Static).update(line)

    def _draw_lifecycle(self) -> None:
        steps = trail.lifecycle(self.events)
        box = self.query_one("#trail-lifecycle", Static)
        if not steps:
            box.update(
                Text(
                    "no create/update/stop/delete call found in this window yet"
                    if self.scanning
                    else "no create/update/stop/delete call found in this window (w widens it)",
                    style="dim",
                )
            )
            return
        text = Text()
        for i, (verb, ev) in enumerate(steps[-8:]):
            if i:
                text.append("\n")
            text.append(trail.lifecycle_line(verb, ev), style="red" if verb == "deleted" else "")
        box.update(text)

    @on(ResourceTable.Selected, "#trail-events")
    def _selected(self, event: ResourceTable.Selected) -> None:
        event.stop()
        try:
            ev = self.events[int(event.key)]
        except (ValueError, IndexError):
            return
        from smtui.screens.event import EventScreen

        self.app.push_screen(EventScreen(ev))

"""The log view of one resource: every stream interleaved, followed live, searchable, safe.

Opened with ``l`` from a resource pane or detail screen. The data comes from :mod:`smtui.aws.logs`
(history with GetLogEvents or FilterLogEvents, then a :class:`~smtui.aws.logs.LogSource` while following)
in ``@work`` async workers; the lines are shown by :class:`~smtui.widgets.log_view.LogView`.
"""

from __future__ import annotations

import os
import re
import time
from typing import Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import Footer, Input, SelectionList, Static

from smtui.aws.errors import AwsError
from smtui.aws.resources import ENDPOINT, ResourceKind
from smtui.text import clean
from smtui.widgets.log_view import TIMESTAMP_MODES, LogView

_RANGES = {"5m": 300_000, "1h": 3_600_000, "1d": 86_400_000}


def _now_ms() -> int:
    return int(time.time() * 1000)


class SourcesScreen(ModalScreen[None]):
    """Pick the sources to show (changes apply at once; escape closes)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,enter", "dismiss", "Close", id="sources.close"),
        Binding("a", "all", "All", id="sources.all"),
    ]
    DEFAULT_CSS = """
    SourcesScreen { align: center middle; }
    SourcesScreen > Vertical { width: 60; max-width: 90%; height: auto; max-height: 80%;
        border: round $accent; background: $surface; padding: 0 1; }
    SourcesScreen SelectionList { height: auto; max-height: 30; }
    """

    def __init__(self, view: LogView) -> None:
        super().__init__()
        self.view = view

    def compose(self) -> ComposeResult:
        shown = self.view.sources
        with Vertical():
            yield Static("Sources (space toggles, a shows all, escape closes)")
            yield SelectionList[str](
                *[(Text(s), s, shown is None or s in shown) for s in self.view.source_names]
            )

    @on(SelectionList.SelectedChanged)
    def _changed(self, event: SelectionList.SelectedChanged) -> None:
        self.view.set_sources(set(event.selection_list.selected))

    def action_all(self) -> None:
        self.query_one(SelectionList).select_all()

    def action_dismiss(self) -> None:  # type: ignore[override]
        self.dismiss(None)


class LogScreen(Screen[None]):
    """Logs of ``name`` (a resource of ``kind``). ``describe`` is its Describe response when known."""

    DEFAULT_CSS = """
    LogScreen #logs-header { height: 1; padding: 0 1; background: $panel; }
    LogScreen #log-view { height: 1fr; }
    LogScreen #logs-input.-hidden { display: none; }
    LogScreen #logs-status { height: 1; padding: 0 1; background: $panel; }
    """

    HELP_TITLE = "logs"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="logs.back"),
        Binding("f", "toggle_follow", "Follow", id="logs.follow"),
        Binding("slash", "prompt('search')", "Search", id="logs.search"),
        Binding("m", "toggle_matches_only", "Matches only", id="logs.matches-only"),
        Binding("p", "prompt('pattern')", "Filter pattern", id="logs.pattern"),
        Binding("s", "sources", "Sources", id="logs.sources"),
        Binding("t", "cycle_timestamps", "Timestamps", id="logs.timestamps"),
        Binding("w", "toggle_wrap", "Wrap", id="logs.wrap"),
        Binding("L", "toggle_labels", "Labels", show=False, id="logs.labels"),
        Binding("P", "toggle_ping", "/ping lines", show=False, id="logs.ping"),
        Binding("1", "range('5m')", "Last 5 min", show=False, id="logs.range-5m"),
        Binding("2", "range('1h')", "Last hour", show=False, id="logs.range-1h"),
        Binding("3", "range('1d')", "Last day", show=False, id="logs.range-1d"),
        Binding("0", "range('start')", "Since start", show=False, id="logs.range-start"),
        Binding("r", "prompt('range')", "Time range", id="logs.range"),
        Binding("ctrl+s", "prompt('save')", "Save", id="logs.save"),
    ]

    def __init__(self, kind: ResourceKind, name: str, *, describe: dict[str, Any] | None = None) -> None:
        super().__init__()
        self.kind = kind
        self.resource_name = name
        self.describe = describe
        self.pattern: str | None = None
        self.range_key: str | None = None  # None: the default for the kind
        self.range_start: int | None = None
        self.range_end: int | None = None
        self.follow_wanted: bool | None = None  # None: decided from the status
        self.logs: Any = None
        self.sources: list[str] = []
        self.missing: list[str] = []
        self.notice = ""
        self.error: str | None = None
        self.busy = False
        self.busy_older = False
        self.older_exhausted = False
        self._earliest_stream_ms: int | None = None
        self._prompt_mode = ""
        self._aws: Any = None
        self._dedupe: Any = None
        self._range_text = ""
        self._cut = False  # the initial load stopped at the line cap: older lines load at the top
        self._view = LogView(id="log-view")
        self._header = Static(id="logs-header")
        self._status = Static(id="logs-status")
        self._input = Input(id="logs-input", classes="-hidden")

    # ------------------------------------------------------------------ layout
    def compose(self) -> ComposeResult:
        yield self._header
        yield self._view
        yield self._input
        yield self._status
        yield Footer()

    @property
    def view(self) -> LogView:
        return self._view

    def on_mount(self) -> None:
        view = self.view
        view.max_lines = int(getattr(getattr(self.app, "settings", None), "log_line_cap", 200_000))
        view.focus()
        if self.kind is ENDPOINT:
            view.hide_health_checks = True
        self._render_header()
        self._render_status()
        self.start_loading()

    def on_unmount(self) -> None:
        if self._aws is not None and self._on_aws_notice in self._aws.notices:
            self._aws.notices.remove(self._on_aws_notice)

    # ------------------------------------------------------------------ header and status
    def _render_header(self) -> None:
        name = clean(self.resource_name)
        t = Text()
        t.append(f"{self.kind.singular} ", "dim")
        t.append(name, "bold")
        group = self.kind.log_group(self.resource_name)
        prefix = self.kind.stream_prefix(self.resource_name)
        t.append(f"  {clean(group)}{(' · ' + clean(prefix) + '*') if prefix else ''}", "dim")
        if self.sources:
            t.append(f"  {len(self.sources)} source{'s' if len(self.sources) != 1 else ''}")
        if self.missing:
            t.append(f"  not logged yet: {', '.join(self.missing)}", "yellow")
        t.append(f"  range: {self._range_text or self._range_label()}", "dim")
        if self._cut:
            t.append(" (the newest lines; g for older)", "dim")
        if self.pattern:
            t.append("  pattern: ", "dim")
            t.append(clean(self.pattern), "magenta")
        self._header.update(t)

    def _range_label(self) -> str:
        key = self.range_key
        if key in _RANGES:
            return f"last {key}"
        if key == "start" or (key is None and self.range_start is None):
            return "since start"
        if key and key.startswith("@"):
            return f"from {key[1:]}"
        return "last 1h"

    def _render_status(self) -> None:
        view = self.view
        t = Text()
        if self.error:
            t.append(self.error, "bold red")
            t.append("  ")
        if self.busy:
            t.append("loading… ", "yellow")
        if view.following:
            if view.paused:
                t.append(
                    f"PAUSED · {view.waiting:,} new line{'s' if view.waiting != 1 else ''} · G resumes",
                    "bold yellow",
                )
            else:
                t.append("following", "green")
        else:
            t.append("not following (f)", "dim")
        n = len(view.visible_lines)
        total = len(view.lines)
        t.append(f"  {n:,} line{'s' if n != 1 else ''}")
        if n != total:
            t.append(f" of {total:,}", "dim")
        if view.dropped:
            t.append(f" ({view.dropped:,} oldest dropped)", "dim")
        if view.search is not None:
            t.append("  /")
            t.append(view.search.pattern, "bold")
            t.append(f" {view.match_count:,} match{'es' if view.match_count != 1 else ''}")
            pos = view.current_match_number()
            if pos:
                t.append(f" ({pos:,}/{view.match_count:,})")
            if view.matches_only:
                t.append(" [matches only]", "magenta")
        if view.sources is not None:
            t.append(f"  sources: {', '.join(sorted(view.sources)) or 'none'}", "cyan")
        if view.hide_health_checks:
            t.append("  /ping hidden (P)", "dim")
        if self.notice:
            t.append("  ")
            t.append(self.notice, "yellow")
        self._status.update(t)

    def _on_notice(self, message: str) -> None:
        self.notice = clean(message)
        self._render_status()

    def _on_aws_notice(self, message: str) -> None:
        if "LogEvents" in message or "LogStreams" in message or "LiveTail" in message:
            self._on_notice(message)

    def _show_error(self, err: BaseException) -> None:
        if isinstance(err, AwsError):
            self.error = " · ".join(err.details().splitlines())
        else:
            self.error = clean(f"{type(err).__name__}: {err}")
        self._render_status()

    @on(LogView.FollowChanged)
    @on(LogView.Changed)
    def _view_changed(self) -> None:
        self._render_status()

    # ------------------------------------------------------------------ loading
    def start_loading(self) -> None:
        self.workers.cancel_group(self, "logs-follow")
        self.workers.cancel_group(self, "logs-older")
        self.view.clear()
        self.older_exhausted = False
        self.error = None
        self._load()

    def _status_of(self) -> str:
        return str((self.describe or {}).get(self.kind.status_field) or "")

    def _resolve_range(self) -> None:
        from smtui.aws.logs import default_since, parse_time, resource_start_ms

        now = _now_ms()
        key = self.range_key
        self.range_end = None
        self._cut = False
        if key is None:
            self.range_start = default_since(self.kind, self.describe, now)
        elif key in _RANGES:
            self.range_start = now - _RANGES[key]
        elif key == "start":
            start = resource_start_ms(self.kind, self.describe)
            self.range_start = None if (start is None or self.kind is not ENDPOINT) else start
        elif key.startswith("@"):
            self.range_start = parse_time(key[1:], now_ms=now, local=self.view.timestamps == "local")

    @work(exclusive=True, group="logs-fetch")
    async def _load(self) -> None:
        from smtui.aws.logs import Deduper, ResourceLogs, instances_not_logged

        self.busy = True
        self._render_status()
        try:
            aws = await self.app.get_aws()
            if self._aws is None:
                self._aws = aws
                aws.notices.append(self._on_aws_notice)
            self.logs = logs = ResourceLogs(
                aws, self.kind, self.resource_name, pattern=self.pattern, notice=self._on_notice
            )
            if self.describe is None:
                try:
                    self.describe = await logs.describe()
                except AwsError as err:
                    self._show_error(err)
            if self.follow_wanted is None:
                status = self._status_of()
                # jobs while they run; endpoints while they serve (an InService endpoint keeps logging)
                self.follow_wanted = self.kind.is_in_progress(status) or (
                    self.kind is ENDPOINT and status in ("InService", "")
                )
            self._resolve_range()
            self._range_text = self._range_label()
            streams = await logs.streams()
            self._set_streams(streams)
            self.missing = instances_not_logged(self.kind, self.describe, self.sources)
            self._render_header()
            view = self.view
            view.set_following(bool(self.follow_wanted))
            t0 = _now_ms()
            self._dedupe = dedupe = Deduper()
            end = t0 if self.follow_wanted else None
            if self.pattern:  # FilterLogEvents, oldest first
                async for batch in logs.history(self.range_start, end):
                    for e in batch:
                        if e.timestamp >= t0 - 10_000:
                            dedupe.remember(e)
                    view.add_events(batch)
            else:  # the newest lines first, then older ones above them, up to the line cap
                first, oldest, complete = True, None, True
                async for batch, done in logs.tail(
                    self.range_start, end, limit=view.max_lines, streams=[s.name for s in streams]
                ):
                    complete = done
                    for e in batch:
                        if e.timestamp >= t0 - 10_000:
                            dedupe.remember(e)
                    if first:
                        view.add_events(batch)
                        view.scroll_end(animate=False, immediate=True, x_axis=False)
                        first = False
                    else:
                        view.prepend_events(batch)
                    oldest = batch[0].timestamp
                if not complete and oldest is not None:
                    self.range_start = oldest  # older lines load when scrolling to the top
                    self._cut = True
                    self._render_header()
            self.busy = False
            view.scroll_end(animate=False, immediate=True, x_axis=False)  # the newest lines, as tail does
            self._render_status()
            self._discover()
            if self.follow_wanted:
                self._follow(t0, dedupe)
        except AwsError as err:
            self._show_error(err)
        finally:
            self.busy = False
            self._render_status()

    def _set_streams(self, streams: list[Any]) -> None:
        self.sources = sorted({s.source for s in streams})
        firsts = [s.first_event or s.created for s in streams if (s.first_event or s.created)]
        self._earliest_stream_ms = min(firsts) if firsts else None
        self.view.register_sources(self.sources)

    @work(exclusive=True, group="logs-discover")
    async def _discover(self) -> None:
        from smtui.aws.logs import discover_forever, instances_not_logged

        def found(streams: list[Any]) -> None:
            self._set_streams(streams)
            self.missing = instances_not_logged(self.kind, self.describe, self.sources)
            self._render_header()

        try:
            await discover_forever(self.logs, found)
        except AwsError as err:
            self._show_error(err)

    @work(exclusive=True, group="logs-follow")
    async def _follow(self, start_ms: int, dedupe: Any = None, floor_ms: int | None = None) -> None:
        live = None if os.environ.get("SMTUI_LIVE_TAIL") is None else os.environ["SMTUI_LIVE_TAIL"] == "1"
        source = self.logs.follow(start_ms, live_tail=live, deduper=dedupe, floor_ms=floor_ms)
        try:
            async for batch in source.batches():
                if self.notice:
                    self.notice = ""
                new = {e.source for e in batch} - set(self.sources)
                if new:  # a new instance (or a restarted one) has started logging
                    from smtui.aws.logs import instances_not_logged

                    self.sources = sorted(set(self.sources) | new)
                    self.missing = instances_not_logged(self.kind, self.describe, self.sources)
                    self._render_header()
                self.view.add_events(batch)
        except AwsError as err:
            self._show_error(err)

    @on(LogView.ReachedTop)
    def _reached_top(self) -> None:
        if self.busy or self.busy_older or self.older_exhausted or self.logs is None:
            return
        if self.range_start is None:
            self.older_exhausted = True
            self._on_notice("the beginning of the log")
            return
        self._load_older()

    @work(exclusive=True, group="logs-older")
    async def _load_older(self) -> None:
        self.busy_older = True
        self._on_notice("loading older lines…")
        try:
            end = self.range_start
            assert end is not None
            span = max(3_600_000, _now_ms() - end)
            for attempt in range(12):  # windows twice as long each time; then everything older
                start: int | None = end - span
                earliest = self._earliest_stream_ms
                if (earliest is not None and start <= earliest) or start <= 0 or attempt == 11:
                    start = None
                got = 0
                async for batch in self.logs.history(start, end):
                    got += self.view.prepend_events(batch)
                self.range_start = start
                if start is None:
                    self.older_exhausted = True
                    self._cut = False
                if got or start is None:
                    break
                end, span = start, span * 2
            self._render_header()
            self._on_notice("" if not self.older_exhausted else "the beginning of the log")
        except AwsError as err:
            self._show_error(err)
        finally:
            self.busy_older = False

    @work(exclusive=True, group="logs-pattern")
    async def _try_pattern(self, pattern: str | None) -> None:
        """Ask the service about a new filter pattern before dropping the lines shown: a pattern it rejects
        leaves the view and the previous pattern as they were, with the service's message."""
        if pattern:
            from smtui.aws.logs import ResourceLogs

            aws = await self.app.get_aws()
            probe = ResourceLogs(aws, self.kind, self.resource_name, pattern=pattern)
            now = _now_ms()
            try:
                async for _page in probe.filter_pages(start_ms=now - 60_000, end_ms=now):
                    break
            except AwsError as err:
                if not err.is_not_found:  # no log group yet: nothing to say about the pattern
                    self._show_error(err)
                    return
        self.pattern = pattern
        self._render_header()
        self.start_loading()

    # ------------------------------------------------------------------ actions
    def action_back(self) -> None:
        inp = self._input
        if not inp.has_class("-hidden"):
            self._hide_prompt()
            return
        self.app.pop_screen()

    def action_toggle_follow(self) -> None:
        view = self.view
        if view.following:
            self.follow_wanted = False
            self.workers.cancel_group(self, "logs-follow")
            view.set_following(False)
        else:
            self.follow_wanted = True
            view.set_following(True)
            if self.logs is not None and not self.busy:
                lines = view.lines
                # from just after the newest line shown (older lines are there already)
                start = lines[-1].ts if lines else _now_ms()
                self._follow(start, self._dedupe, start + 1 if lines else None)
        self._render_status()

    def action_cycle_timestamps(self) -> None:
        view = self.view
        i = TIMESTAMP_MODES.index(view.timestamps)
        view.set_timestamps(TIMESTAMP_MODES[(i + 1) % len(TIMESTAMP_MODES)])
        self.notify(f"Timestamps: {view.timestamps}", timeout=1.5)

    def action_toggle_wrap(self) -> None:
        self.view.set_wrap(not self.view.wrap)

    def action_toggle_labels(self) -> None:
        self.view.set_show_labels(not self.view.show_labels)

    def action_toggle_ping(self) -> None:
        self.view.set_hide_health_checks(not self.view.hide_health_checks)
        self._render_status()

    def action_toggle_matches_only(self) -> None:
        view = self.view
        if view.search is None and not view.matches_only:
            self.notify("Search first with /", timeout=2)
            return
        view.set_matches_only(not view.matches_only)
        self._render_status()

    def action_sources(self) -> None:
        if not self.view.source_names:
            self.notify("No sources yet", timeout=2)
            return
        self.app.push_screen(SourcesScreen(self.view))

    def action_range(self, key: str) -> None:
        self.range_key = key
        self._render_header()
        self.start_loading()

    # ------------------------------------------------------------------ the prompt
    _PLACEHOLDERS: ClassVar[dict[str, str]] = {
        "search": "search (regular expression; enter to find, empty clears)",
        "pattern": "CloudWatch filter pattern, applied by the service (empty clears)",
        "range": "from when: 5m, 1h, 2d, start, 2026-11-27 14:00, 14:00",
        "save": "save the lines shown to file",
    }

    def action_prompt(self, mode: str) -> None:
        inp = self._input
        self._prompt_mode = mode
        inp.placeholder = self._PLACEHOLDERS[mode]
        if mode == "search":
            inp.value = self.view.search.pattern if self.view.search is not None else ""
        elif mode == "pattern":
            inp.value = self.pattern or ""
        elif mode == "save":
            safe = re.sub(r"[^A-Za-z0-9._-]", "_", self.resource_name)
            suffix = "-matches" if self.view.matches_only else ""
            inp.value = os.path.abspath(f"{safe}{suffix}.log")
            n = len(self.view.visible_lines)
            inp.placeholder = (
                f"save {n:,} line{'s' if n != 1 else ''}{' (matches only)' if suffix else ''} to file"
            )
        else:
            inp.value = ""
        inp.remove_class("-hidden")
        inp.focus()

    def _hide_prompt(self) -> None:
        inp = self._input
        inp.add_class("-hidden")
        self.view.focus()

    @on(Input.Submitted, "#logs-input")
    def _submitted(self, event: Input.Submitted) -> None:
        value = event.value.strip()
        mode = self._prompt_mode
        self._hide_prompt()
        view = self.view
        if mode == "search":
            try:
                view.set_search(value or None)
            except re.error as exc:
                self.notify(f"Not a regular expression: {exc}", severity="error")
                return
            if value and view.find(True) is None:
                self.notify(f"No line matches {value!r}", timeout=2)
        elif mode == "pattern":
            self._try_pattern(value or None)
        elif mode == "range":
            if not value:
                return
            from smtui.aws.logs import parse_time

            if value.lower() in ("start", "all"):
                self.action_range("start")
                return
            if value in _RANGES:
                self.action_range(value)
                return
            try:
                parse_time(value, local=view.timestamps == "local")
            except ValueError as exc:
                self.notify(str(exc), severity="error")
                return
            self.action_range(f"@{value}")
        elif mode == "save":
            if not value:
                return
            path = os.path.expanduser(value)
            try:
                n = view.save(path, matches_only=view.matches_only)
            except OSError as exc:
                self.notify(f"Could not save: {exc}", severity="error")
                return
            self.notify(f"Saved {n:,} lines to {path}", timeout=4)
        self._render_status()

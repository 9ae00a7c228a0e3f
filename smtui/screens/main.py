"""The main screen: one live, filterable pane per resource kind (keys 1-4) and the audit pane (5).

Each :class:`ResourcePane` lists its kind with full paging (first page shown at once), refreshes on
a timer that is armed only after the previous pass finished and only while the pane is on screen,
updates rows in place by name, and fills the columns a list summary lacks (instance type and count,
variants, failure reason) from Describe calls made only for the rows on screen, cached.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen, Screen
from textual.timer import Timer
from textual.widgets import Button, ContentSwitcher, Footer, Header, Input, Label, Select, Static

from smtui.aws import listing
from smtui.aws.errors import AwsError
from smtui.aws.listing import DescribeCache, Listing, ServerFilter
from smtui.aws.resources import BY_KEY, KINDS, ResourceKind, status_style
from smtui.text import clean
from smtui.widgets.resource_table import FilterError, ResourceTable, TableColumn
from smtui.widgets.status_bar import StatusBar

#: describe at most this many rows at once for the list (the rest wait their turn)
DESCRIBE_CONCURRENCY = 4


# ---------------------------------------------------------------------------------------------- rows


def aws_api_name(snake: str) -> str:
    """``list_training_jobs`` -> ``ListTrainingJobs`` (the rate limiter's key)."""
    return "".join(part.capitalize() for part in snake.split("_"))


#: how long a throttling notice stays in a pane's status line after the last one
NOTICE_SECONDS = 10.0


def _sort_created(raw: dict[str, Any]) -> Any:
    return listing.as_aware(raw.get("created"))


def _sort_modified(raw: dict[str, Any]) -> Any:
    return listing.as_aware(raw.get("modified"))


def _sort_duration(raw: dict[str, Any]) -> Any:
    return listing.duration(raw.get("created"), raw.get("ended"))


def _sort_text(field: str) -> Any:
    return lambda raw: (raw.get(field) or "").lower()


def _len_of(field: str, cap: int = 80) -> Any:
    return lambda raw: min(cap, len(raw.get(field) or ""))


def table_columns(kind: ResourceKind) -> list[TableColumn]:
    """The pane's columns, from the registry's column list."""
    out = []
    for col in kind.columns:
        k = col.key
        if k == "name":
            out.append(
                TableColumn(
                    k,
                    col.title,
                    min_width=16,
                    max_width=64,
                    measure=_len_of("name", 64),
                    sort_value=_sort_text("name"),
                )
            )
        elif k == "status":
            out.append(
                TableColumn(
                    k,
                    col.title,
                    min_width=10,
                    max_width=30,
                    measure=lambda raw: (
                        len(raw.get("status") or "")
                        + (len(raw.get("secondary") or "") + 3 if raw.get("secondary") else 0)
                    ),
                    sort_value=_sort_text("status"),
                )
            )
        elif k == "created":
            out.append(TableColumn(k, col.title, width=col.width or 10, sort_value=_sort_created))
        elif k == "modified":
            out.append(TableColumn(k, col.title, width=col.width or 10, sort_value=_sort_modified))
        elif k == "duration":
            out.append(TableColumn(k, col.title, width=col.width or 10, sort_value=_sort_duration))
        elif k in ("instances", "variants"):
            out.append(
                TableColumn(
                    k, col.title, min_width=10, max_width=40, measure=_len_of(k, 40), sort_value=_sort_text(k)
                )
            )
        else:  # reason and anything else: text
            out.append(
                TableColumn(
                    k,
                    col.title,
                    min_width=8,
                    max_width=200,
                    measure=_len_of(k, 80),
                    sort_value=_sort_text(k),
                    expand=k == "reason",
                )
            )
    return out


def format_row(kind: ResourceKind, raw: dict[str, Any], *, absolute: bool = False) -> list[tuple[str, str]]:
    """The cells of one row, cleaned of control sequences, with their styles."""
    now = listing.utcnow()
    cells: list[tuple[str, str]] = []
    status = raw.get("status") or ""
    running = kind.is_in_progress(status)
    for col in kind.columns:
        k = col.key
        if k == "name":
            cells.append((clean(raw.get("name")), "bold"))
        elif k == "status":
            text = clean(status)
            secondary = clean(raw.get("secondary"))
            if secondary and secondary != status and (running or status == "Failed" or status == "Stopped"):
                text = f"{text} · {secondary}"
            cells.append((text, status_style(status)))
        elif k in ("created", "modified"):
            value = raw.get(k)
            cells.append(
                (listing.iso(value) if absolute else listing.age(value, now), "" if not absolute else "dim")
            )
        elif k == "duration":
            secs = listing.duration(
                raw.get("created"), None if running else (raw.get("ended") or raw.get("modified")), now
            )
            cells.append((listing.span(secs), "yellow" if running else ""))
        elif k in ("instances", "variants"):
            value = raw.get(k)
            cells.append(("…", "dim") if value is None else (clean(value), ""))
        elif k == "reason":
            cells.append((listing.short_reason(clean(raw.get("reason"))), "red"))
        else:
            cells.append((clean(raw.get(k)), ""))
    return cells


def search_text(key: str, raw: dict[str, Any]) -> str:
    """What the ``/`` filter matches: name, status, instances and reason."""
    parts = [
        raw.get("name") or key,
        raw.get("status") or "",
        raw.get("secondary") or "",
        raw.get("instances") or "",
        raw.get("reason") or "",
    ]
    return clean(" ".join(parts)).lower()


# ---------------------------------------------------------------------------------------------- server filter form


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


# ---------------------------------------------------------------------------------------------- pane


class ResourcePane(Vertical):
    """A live table of one kind of resource."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "filter", "Filter", id="pane.filter"),
        Binding("escape", "clear_filter", "Clear filter", id="pane.clear-filter"),
        Binding("f", "server_filter", "Server filter", id="pane.server-filter"),
        Binding("r", "refresh", "Refresh", id="pane.refresh"),
        Binding("s", "sort_next", "Sort by next column", id="pane.sort"),
        Binding("S", "sort_reverse", "Reverse sort", show=False, id="pane.sort-reverse"),
        Binding("a", "toggle_absolute", "Absolute times", show=False, id="pane.absolute"),
        Binding("l", "logs", "Logs", id="pane.logs"),
        Binding("t", "trail", "CloudTrail", show=False, id="pane.trail"),
        Binding("c", "copy_arn", "Copy ARN", show=False, id="pane.copy-arn"),
    ]

    def __init__(self, kind: ResourceKind, *, id: str | None = None) -> None:
        super().__init__(id=id or kind.key, classes="resource-pane")
        self.kind = kind
        self.listing = Listing(kind)
        self.cache = DescribeCache(kind)
        self.server_filter = ServerFilter()
        self.error: AwsError | None = None
        self.busy = False
        self.loaded = False
        self.stale = True
        self.pages = 0
        self.last_refreshed: Any = None
        self.absolute = False
        self._timer: Timer | None = None
        self._filter_error = ""
        self._state_class = "?"
        self._state_message: Text | None = None
        self._describing: set[str] = set()
        self._pending_describe: list[str] = []
        self._describe_worker: Any = None
        self._ui_timer: Timer | None = None
        self._force_full = False
        self.last_pass_incremental = False
        self._binding_state: tuple[bool, bool] = (False, False)
        self._describe_failed: dict[str, float] = {}
        #: the latest throttling notice for this pane's calls, and when it came (monotonic)
        self.notice = ""
        self._notice_at = 0.0
        self._notice_ops = tuple(
            "".join(w.title() for w in op.split("_")) for op in (kind.list_op, kind.describe_op)
        )
        self._notices_of: Any = None
        self.table = ResourceTable(
            table_columns(kind), self._format, search_text=search_text, id=f"{kind.key}-table"
        )
        self.table.sort_by("created", reverse=True)

    # ------------------------------------------------------------------ compose
    def compose(self) -> ComposeResult:
        yield StatusBar(id=f"{self.kind.key}-status", classes="pane-status")
        yield Static("", id=f"{self.kind.key}-state", classes="pane-state")
        yield self.table

    def filter_box(self) -> Input:
        """The filter box under the table, mounted when first needed (Input's stylesheet is not read
        before the first frame)."""
        found = self.query(".pane-filter")
        if found:
            return found.only_one(Input)
        box = Input(
            placeholder="filter: substring, or a regular expression (enter keeps it, escape clears)",
            id=f"{self.kind.key}-filter",
            classes="pane-filter",
        )
        box.display = False
        self.mount(box)
        return box

    def on_mount(self) -> None:
        self.update_state()
        if self.display and self.screen.is_current:  # mounted after the first frame, already shown
            self.table.focus()
        self.app.aws_changed.subscribe(self, self._aws_changed)  # type: ignore[attr-defined]

    def _format(self, key: str, raw: Any) -> list[tuple[str, str]]:
        return format_row(self.kind, raw, absolute=self.absolute)

    @property
    def region_name(self) -> str:
        aws = getattr(self.app, "aws", None)
        return (aws.region if aws is not None else None) or "this region"

    @property
    def on_screen(self) -> bool:
        return bool(self.display) and self.is_mounted and self.screen.is_current

    # ------------------------------------------------------------------ state display
    def update_state(self) -> None:
        """Show the loading, empty or error state (distinct), or the table."""
        if not self.is_mounted:
            return
        state = self.query_one(".pane-state", Static)
        n = len(self.table)
        shown = self.table.row_count
        what = self.kind.title.lower()
        message: Text | None = None
        cls = ""
        if self.error is not None:
            message = Text(self.error.details(), style="")
            message.stylize("bold", 0, len(self.error.code))
            cls = "-error"
        elif not self.loaded and (self.busy or not self.listing.complete):
            message = Text(f"Loading {what} in {self.region_name}…")
            cls = "-loading"
        elif n == 0:
            where = f" matching {self.server_filter.describe()}" if self.server_filter else ""
            message = Text(f"No {what} in {self.region_name}{where}.")
            if self.server_filter:
                message.append("  f changes the server filter.", style="dim")
            cls = "-empty"
        elif shown == 0 and self.table.filter_text:
            message = Text(f"No {what} match the filter ")
            message.append(self.table.filter_text, style="bold")
            message.append(f" ({n:,} hidden). escape clears it.")
            cls = "-empty"
        if cls != self._state_class:
            for old in ("-error", "-loading", "-empty"):
                state.set_class(old == cls, old)
            self._state_class = cls
        if state.display != (message is not None):
            state.display = message is not None
        if message is not None and message != self._state_message:
            state.update(message)
        self._state_message = message
        show_table = not (n == 0 and (self.error is not None or not self.loaded))
        if self.table.display != show_table:
            self.table.display = show_table
            if show_table and self.on_screen and self.screen.focused is None:
                self.table.focus()  # it could not take the focus while hidden
        # the footer shows l/t/c only with a row under the cursor, escape only with a filter
        binding_state = (
            self.table.cursor_key is not None,
            bool(self.table.filter_text or self._filter_error),
        )
        if binding_state != self._binding_state:
            self._binding_state = binding_state
            self.refresh_bindings()
        self.update_status()

    def update_status(self) -> None:
        if not self.is_mounted:
            return
        bar = self.query_one(".pane-status", StatusBar)
        n = len(self.table)
        left = Text()
        left.append(self.kind.title, style="bold")
        shown = self.table.row_count
        left.append(f" {shown:,}" if shown == n else f" {shown:,} of {n:,}")
        if self.busy and self.loaded:
            left.append(f" (page {self.pages}…)", style="dim")
        if self.table.filter_text:
            left.append("  /", style="dim")
            left.append(clean(self.table.filter_text), style="bold yellow")
        if self._filter_error:
            left.append(f"  {self._filter_error}", style="bold red")
        if self.server_filter:
            left.append(f"  server: {self.server_filter.describe()}", style="cyan")
        right = Text()
        key = self.table.cursor_key
        if key is not None and key in self.listing.summaries:
            created = self.listing.summaries[key].get("CreationTime")
            if created is not None:
                right.append(f"created {listing.iso(created)}  ", style="dim")
        if self.error is not None and self.loaded:
            right.append(f"{self.error.code}  ", style="bold red")
        if self.last_refreshed is not None:
            right.append(f"refreshed {listing.ago(self.last_refreshed)}")
        if self.busy:
            right.append("  refreshing…" if self.last_refreshed is not None else "loading…", style="yellow")
        if self.notice and time.monotonic() - self._notice_at < NOTICE_SECONDS:
            right.append(f"  {self.notice}", style="yellow")
        bar.set(left, right)

    def _on_aws_notice(self, message: str) -> None:
        """Throttling of this pane's List/Describe calls is said in its status line while it lasts."""
        if message.startswith(self._notice_ops):
            self.notice = clean(message)
            self._notice_at = time.monotonic()
            if self.is_mounted:
                self.update_status()

    def on_unmount(self) -> None:
        if self._notices_of is not None and self._on_aws_notice in self._notices_of.notices:
            self._notices_of.notices.remove(self._on_aws_notice)

    # ------------------------------------------------------------------ refresh
    def start(self) -> None:
        """Load now if the pane has never loaded or is stale (called when it comes on screen)."""
        if (not self.loaded or self.stale) and not self.busy:
            self.refresh_now()

    def refresh_now(self) -> None:
        self.stale = False
        self.busy = True
        self.update_status()
        self.run_worker(
            self._refresh_pass,
            group=f"list-{self.kind.key}",
            exclusive=True,
            exit_on_error=False,
            name=f"list {self.kind.key}",
        )

    def _schedule(self) -> None:
        if self._timer is not None:
            self._timer.stop()
        interval = float(
            getattr(self.app, "settings", None).refresh_interval if hasattr(self.app, "settings") else 10
        )
        self._timer = self.set_timer(interval, self._tick, name=f"refresh {self.kind.key}")

    def _tick(self) -> None:
        self._timer = None
        if self.busy:
            return
        if self.on_screen:
            self.refresh_now()
        else:
            self.stale = True  # refreshed as soon as it is shown again

    async def _refresh_pass(self) -> None:
        aws = await self.app.get_aws()  # type: ignore[attr-defined]
        if self._notices_of is not aws:
            self._notices_of = aws
            aws.notices.append(self._on_aws_notice)
        kind, table, lst = self.kind, self.table, self.listing
        # a big listing is refreshed by what changed since the newest change seen (new jobs, status
        # changes) with a full pass now and then for deletions; r always does a full pass
        since = None if self._force_full else lst.incremental_since()
        self._force_full = False
        self.last_pass_incremental = since is not None
        lst.begin(partial=since is not None)
        self.pages = 0
        try:
            async for summaries in listing.iter_pages(aws, kind, self.server_filter, modified_after=since):
                self.pages += 1
                change = lst.apply(summaries)
                names = change.added + change.changed
                if names:
                    cache = self.cache
                    table.upsert([(n, kind.row_values(lst.summaries[n], cache.get(n))) for n in names])
                if not self.loaded and (lst.summaries or self.pages == 1):
                    self.loaded = bool(lst.summaries)
                    self.update_state()  # the first rows (or the empty state) at once
                else:
                    self.update_soon()
            gone = lst.finish(self.pages)
            if gone:
                table.remove(gone)
                self.cache.drop(gone)
            self.error = None
            self.loaded = True
            self.last_refreshed = listing.utcnow()
        except AwsError as err:
            lst.abort()
            self.error = err
            report = getattr(self.app, "report_aws_error", None)
            if report is not None:
                report(err)
        except asyncio.CancelledError:
            lst.abort()
            self.busy = False
            raise
        self.busy = False
        self.update_state()
        self._want_describe()
        self._schedule()
        warm = getattr(self.screen, "warm_hidden_panes", None)
        if warm is not None and self.on_screen:
            warm()

    def _aws_changed(self, aws: Any) -> None:
        self.reload()

    def reload(self) -> None:
        """Forget everything and list again (new region, profile, credentials or server filter)."""
        self.workers.cancel_group(self, f"list-{self.kind.key}")
        self.workers.cancel_group(self, f"describe-{self.kind.key}")
        self._pending_describe = []
        self._describing.clear()
        self.listing.clear()
        self.cache.clear()
        self.table.clear()
        self.error = None
        self.loaded = False
        self.busy = False
        self.last_refreshed = None
        if self.on_screen:
            self.refresh_now()
        else:
            self.stale = True
        self.update_state()

    # ------------------------------------------------------------------ lazy Describe for rows on screen
    @on(ResourceTable.ViewChanged)
    def _view_changed(self, event: ResourceTable.ViewChanged) -> None:
        event.stop()
        if self.busy:
            self.update_soon()
        else:
            self.update_status()
        self._want_describe()

    def update_soon(self) -> None:
        """Update the state and status line within 0.2 s: while pages stream in, one repaint for many."""
        if self._ui_timer is None and self.is_mounted:
            self._ui_timer = self.set_timer(0.2, self._flush_ui)

    def _flush_ui(self) -> None:
        self._ui_timer = None
        self.update_state()

    def _want_describe(self) -> None:
        """Describe the rows on screen that need it (not cached, or changed since), a few at a time.

        One long-lived worker drains the wanted list; scrolling replaces the list (rows scrolled away
        are not described) without cancelling calls already on the wire."""
        if not self.is_mounted or not self.display:
            return
        now = time.monotonic()
        todo = []
        for name in self.table.visible_keys():
            summary = self.listing.summaries.get(name)
            if summary is None or name in self._describing:
                continue
            if self.cache.fresh(name, summary, now):
                continue
            failed = self._describe_failed.get(name)
            if failed is not None and now - failed < 60:
                continue
            todo.append(name)
        self._pending_describe = todo
        worker = self._describe_worker
        if todo and (worker is None or worker.is_finished):
            self._describe_worker = self.run_worker(
                self._describe_loop,
                group=f"describe-{self.kind.key}",
                exit_on_error=False,
                name=f"describe {self.kind.key}",
            )

    @staticmethod
    def _list_waiting(aws: Any, bucket: str) -> bool:
        limiter = aws.limiter
        return bool(limiter.enabled) and limiter.bucket(bucket).delay() > 0.1

    async def _describe_loop(self) -> None:
        aws = await self.app.get_aws()  # type: ignore[attr-defined]
        kind = self.kind

        async def one(name: str) -> tuple[str, dict[str, Any]] | None:
            summary = self.listing.summaries.get(name)
            if summary is None:
                return None
            self._describing.add(name)
            try:
                resp = await aws.call("sagemaker", kind.describe_op, **{kind.describe_param: name})
            except AwsError:
                self._describe_failed[name] = time.monotonic()
                return None
            finally:
                self._describing.discard(name)
            resp.pop("ResponseMetadata", None)
            self.cache.put(name, summary, resp, time.monotonic())
            return name, resp

        list_bucket = f"sagemaker.{aws_api_name(kind.list_op)}"
        while self._pending_describe:
            # The listing comes first: while it pages, describe only in its idle time, when the
            # shared rate limiter holds the next List call back anyway (at AWS's 2 List calls a
            # second that is most of the time; with nothing holding it back, after the listing).
            while True:
                if not (self.busy and self.pages) or self._list_waiting(aws, list_bucket):
                    break
                await asyncio.sleep(0.05)  # polled: the limiter's delay is a clock, not an event
            n = 1 if self.busy else DESCRIBE_CONCURRENCY
            batch = self._pending_describe[:n]
            self._pending_describe = self._pending_describe[n:]
            results = await asyncio.gather(*(one(n) for n in batch))
            rows = []
            for result in results:
                if result is None:
                    continue
                name, resp = result
                current = self.listing.summaries.get(name)
                if current is not None:
                    rows.append((name, kind.row_values(current, resp)))
            if rows:
                self.table.upsert(rows)

    # ------------------------------------------------------------------ actions
    def selected_name(self) -> str | None:
        return self.table.cursor_key

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "clear_filter":
            boxes = self.query(".pane-filter")
            return bool(self.table.filter_text or (boxes and boxes.first().display) or self._filter_error)
        if action in ("logs", "trail", "copy_arn"):
            return self.table.cursor_key is not None
        return True

    def action_filter(self) -> None:
        box = self.filter_box()
        box.display = True
        box.value = self.table.filter_text
        box.focus()

    @on(Input.Changed, ".pane-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        event.stop()
        try:
            self.table.set_filter(event.value)
            self._filter_error = ""
        except FilterError as exc:
            self._filter_error = str(exc)
        self.update_state()

    @on(Input.Submitted, ".pane-filter")
    def _filter_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        box = self.query_one(".pane-filter", Input)
        box.display = False
        self._filter_error = ""
        self.table.focus()
        self.update_state()

    def action_clear_filter(self) -> None:
        for box in self.query(".pane-filter").results(Input):  # (none until / was first pressed)
            box.display = False
            box.value = ""
        self._filter_error = ""
        self.table.set_filter("")
        self.table.focus()
        self.update_state()
        self.refresh_bindings()

    def set_filter(self, text: str) -> None:
        try:
            self.table.set_filter(text)
            self._filter_error = ""
        except FilterError as exc:
            self._filter_error = str(exc)
        self.update_state()

    def action_server_filter(self) -> None:
        def done(flt: ServerFilter | None) -> None:
            if flt is not None and flt != self.server_filter:
                self.server_filter = flt
                self.reload()

        self.app.push_screen(ServerFilterScreen(self.kind, self.server_filter), done)

    def action_refresh(self) -> None:
        if self.busy:
            self.notify(f"{self.kind.title} are being refreshed already.", timeout=2)
            return
        self.cache.clear()  # the rows on screen are described again too
        self._force_full = True
        self.refresh_now()

    def action_sort_next(self) -> None:
        cols = [c.key for c in self.table.columns if c.sort_value is not None]
        current = self.table.sort_key
        nxt = cols[(cols.index(current) + 1) % len(cols)] if current in cols else cols[0]
        self.table.sort_by(nxt, reverse=nxt in ("created", "modified", "duration"))

    def action_sort_reverse(self) -> None:
        self.table.sort_by(self.table.sort_key or "created", reverse=not self.table.sort_reverse)

    def action_toggle_absolute(self) -> None:
        self.absolute = not self.absolute
        for col in self.table.columns:
            if col.key in ("created", "modified"):
                col.width = 20 if self.absolute else 10
        self.table.relayout()

    def action_logs(self) -> None:
        name = self.table.cursor_key
        if name is None:
            return
        from smtui.screens.logs import LogScreen

        self.app.push_screen(LogScreen(self.kind, name, describe=self.cache.get(name)))

    def action_trail(self) -> None:
        name = self.table.cursor_key
        if name is None:
            return
        from smtui.screens.resource_trail import ResourceTrailScreen

        self.app.push_screen(ResourceTrailScreen(self.kind, name))

    def action_copy_arn(self) -> None:
        name = self.table.cursor_key
        summary = self.listing.summaries.get(name or "")
        arn = clean(summary.get(self.kind.arn_field)) if summary else ""
        if arn:
            self.app.copy_to_clipboard(arn)
            self.notify(f"Copied {arn}", timeout=3, markup=False)

    @on(ResourceTable.Selected)
    def _open(self, event: ResourceTable.Selected) -> None:
        event.stop()
        self.open_detail(event.key)

    def open_detail(self, name: str) -> None:
        from smtui.screens.detail import DetailScreen

        summary = self.listing.summaries.get(name)
        self.app.push_screen(DetailScreen(self.kind, name, summary=summary, describe=self.cache.get(name)))


# ---------------------------------------------------------------------------------------------- screen


def _commands() -> type:
    """The palette's provider, imported when the palette first opens (not before the first frame)."""
    from smtui.screens.command import SmtuiCommands

    return SmtuiCommands


class MainScreen(Screen[None]):
    HELP_TITLE = "main screen"
    HELP = (
        "/ filters the rows as you type (substring, or a regex when it has regex characters); "
        "f sets a server-side filter (status, name, created after); s cycles the sort column, "
        "S reverses it; enter opens a row; : switches pane by name (ep, training, processing, "
        "transform, audit)."
    )
    COMMANDS = {_commands}
    BINDINGS: ClassVar[list[BindingType]] = [
        *[
            Binding(str(i), f"show_pane('{k.key}')", k.title, show=False, id=f"pane.{k.key}")
            for i, k in enumerate(KINDS, 1)
        ],
        Binding(str(len(KINDS) + 1), "show_pane('audit')", "Audit", show=False, id="pane.audit"),
        Binding("colon", "command", "Command", id="main.command"),
        Binding("q", "app.quit", "Quit", id="app.quit-main"),
    ]

    _hidden_mounted = False

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="pane-tabs")
        with ContentSwitcher(initial=KINDS[0].key, id="panes"):
            # only the first pane is composed before the first frame; the others are mounted right after
            # it (see on_mount), so start-up stays close to a bare Textual app's
            yield ResourcePane(KINDS[0])
        yield Footer()

    def on_mount(self) -> None:
        self.call_after_refresh(self._mount_hidden_panes)

    def _mount_hidden_panes(self) -> None:
        """Mount the panes not composed up front (hidden); after the first frame, or when first needed.

        ``mount`` registers the widgets at once, so queries and the switcher find them right away.
        """
        if (
            self._hidden_mounted or not self.is_attached
        ):  # (not attached: the app quit before its first frame)
            return
        self._hidden_mounted = True
        from smtui.screens.audit import AuditPane
        from smtui.screens.command import CommandLine

        audit = AuditPane()
        audit.id = "audit"
        panes: list[Any] = [ResourcePane(kind) for kind in KINDS[1:]] + [audit]
        for pane in panes:
            pane.display = False
        self.query_one(ContentSwitcher).mount_all(panes)
        line = CommandLine(id="command")
        line.display = False
        self.mount(line, before=self.query_one(Footer))
        self._draw_tabs()
        self.set_interval(1.0, self._clock, name="status clock")
        self._clock_ticks = 0
        # The visible pane loads first; the others load once after it (so the palette can find any
        # resource), then only the visible one refreshes.
        current = self.pane()
        if current is not None:
            current.refresh_now()
        self._warmed = False
        self.set_timer(3.0, self.warm_hidden_panes)
        self.current_pane_widget_focus()

    def warm_hidden_panes(self) -> None:
        if self._warmed:
            return
        self._warmed = True
        for pane in self.panes():
            if not pane.loaded and not pane.busy:
                pane.refresh_now()

    @property
    def current(self) -> str:
        return self.query_one(ContentSwitcher).current or KINDS[0].key

    def pane(self, key: str | None = None) -> ResourcePane | None:
        key = key or self.current
        if key not in BY_KEY:
            return None
        found = self.query(f"#{key}")
        if not found:  # a pane that is mounted only after the first frame, asked for before it
            self._mount_hidden_panes()
            found = self.query(f"#{key}")
        return found.only_one(ResourcePane)

    def panes(self) -> Iterator[ResourcePane]:
        self._mount_hidden_panes()
        return iter(self.query(ResourcePane))

    def _draw_tabs(self) -> None:
        tabs = Text()
        items = [(k.key, k.title) for k in KINDS] + [("audit", "Audit")]
        if sum(len(t) + 5 for _, t in items) > (self.size.width or self.app.size.width):
            items = [
                (key, title.split()[0]) for key, title in items
            ]  # narrow: "Training", not "Training jobs"
        for i, (key, title) in enumerate(items, 1):
            style = "bold reverse" if key == self.current else ""
            tabs.append(f" {i} ", style="bold " + ("reverse" if key == self.current else "dim"))
            tabs.append(f"{title} ", style=style)
            tabs.append(" ")
        self.query_one("#pane-tabs", Static).update(tabs)

    def on_resize(self, event: Any) -> None:
        if self.query("#pane-tabs"):
            self._draw_tabs()  # the labels shorten below the width they need

    def _clock(self) -> None:
        self._clock_ticks += 1
        pane = self.pane()
        if pane is not None and pane.on_screen:
            pane.update_status()
            if self._clock_ticks % 5 == 0:
                pane.table.touch()

    def on_screen_resume(self) -> None:
        pane = self.pane()
        if pane is not None:
            pane.start()

    def current_pane_widget_focus(self) -> None:
        pane = self.pane()
        if pane is not None:
            pane.table.focus()
        else:
            self.set_focus(None)

    def action_show_pane(self, key: str) -> None:
        switcher = self.query_one(ContentSwitcher)
        if switcher.current == key:
            return
        self._mount_hidden_panes()
        switcher.current = key
        self._draw_tabs()
        pane = self.pane(key)
        if pane is not None:
            pane.start()
            pane.update_state()
        self.current_pane_widget_focus()
        if key == "audit":
            audit = self.query_one("#audit")
            for widget in audit.query("*"):
                if widget.focusable:
                    widget.focus()
                    break

    def show_pane_from_palette(self, key: str) -> None:
        self.action_show_pane(key)

    # ------------------------------------------------------------------ command line
    def action_command(self) -> None:
        self._mount_hidden_panes()
        line = self.query_one("#command", Input)
        line.display = True
        line.value = ""
        line.focus()

    @on(Input.Submitted, "#command")
    def _command(self, event: Input.Submitted) -> None:
        event.stop()
        from smtui.screens.command import parse_command

        line = self.query_one("#command", Input)
        cmd = parse_command(event.value)
        if cmd.error:
            self.notify(cmd.error, severity="warning", timeout=4)
            return
        line.display = False
        if cmd.quit:
            self.app.exit()
            return
        if cmd.pane:
            self.action_show_pane(cmd.pane)
            target = self.pane(cmd.pane) if cmd.pane in BY_KEY else self.query_one(f"#{cmd.pane}")
            if cmd.arg and hasattr(target, "set_filter"):
                target.set_filter(cmd.arg)  # a resource pane filters rows; the audit pane picks an identity
        self.current_pane_widget_focus()

    def on_key(self, event: Any) -> None:
        found = self.query("#command")
        if not found:
            return
        line = found.only_one(Input)
        if event.key == "escape" and line.display:
            event.stop()
            line.display = False
            self.current_pane_widget_focus()

    # ------------------------------------------------------------------ palette helpers
    def all_resources(self) -> Iterator[tuple[ResourceKind, str, str]]:
        for pane in self.panes():
            for name, summary in list(pane.listing.summaries.items()):
                yield pane.kind, clean(name), clean(pane.kind.status_of(summary))

    def open_resource(self, kind_key: str, name: str) -> None:
        self.action_show_pane(kind_key)
        pane = self.pane(kind_key)
        if pane is None:
            return
        if pane.table.filter_text and not pane.table.move_to(name):
            pane.action_clear_filter()
        pane.table.move_to(name)
        pane.open_detail(name)

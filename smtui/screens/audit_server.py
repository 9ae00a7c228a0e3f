"""The Audit pane's server-side trails: Athena over a trail's table in S3 (``--trail-athena``), CloudTrail Lake
(``--trail-lake``) and Logs Insights (``--trail-log-group``). The identity, event name, resource and window go
to every server; Athena is also given the mutating, failed and text filters (one query holds them all, so a
question over an organisation's months is not answered from the first 10,000 rows only) and runs again when
they change. Lake and Insights keep those three on the client, on the rows loaded (instant, exact).
Athena's rows arrive page by page (1,000 a page) with the query's state, data scanned and time on the status
line; ``x`` stops the query (StopQueryExecution). A mixin of :class:`smtui.screens.audit.AuditPane`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.widget import Widget

from smtui.aws.trail import athena, server
from smtui.aws.trail.lookup import ScanProgress, TrailQuery
from smtui.aws.trail.queries import ServerFilter
from smtui.shell import shell

if TYPE_CHECKING:  # pragma: no cover
    from smtui.aws.trail.events import TrailEvent
    from smtui.aws.trail.filters import EventFilter

#: what each server-side trail is called on the status line, by the pane's mode
VIA = {"athena": "Athena", "lake": "CloudTrail Lake", "insights": "Logs Insights"}


class AuditServerSide(Widget):
    """The server-side loading of :class:`~smtui.screens.audit.AuditPane` (which it is mixed into)."""

    if TYPE_CHECKING:  # what the pane provides
        filter: EventFilter
        progress: ScanProgress | None
        server_resource: str | None

        def _draw_status(self) -> None: ...
        def _add(self, events: list[TrailEvent]) -> None: ...

    @property
    def options(self) -> dict[str, Any]:
        s = shell(self).settings
        return {
            "trail_athena": s.trail_athena,
            "athena_workgroup": s.athena_workgroup,
            "athena_output": s.athena_output,
            "trail_lake": s.trail_lake,
            "trail_log_group": s.trail_log_group,
        }

    @property
    def server_side(self) -> str:
        """ "athena", "lake", "insights" or "" (LookupEvents); Athena first when several are set."""
        opts = self.options
        for mode, key in (
            ("athena", "trail_athena"),
            ("lake", "trail_lake"),
            ("insights", "trail_log_group"),
        ):
            if opts.get(key):
                return mode
        return ""

    @property
    def server_filters_all(self) -> bool:
        """Whether the server runs the mutating, failed and text filters too (Athena), so a change of one
        is a new query rather than a filter over the rows loaded."""
        return self.server_side == "athena"

    @property
    def server_target(self) -> str:
        """``Athena cloudtrail_logs``: the server-side trail and what it reads, or ""."""
        mode = self.server_side
        key = {"athena": "trail_athena", "lake": "trail_lake", "insights": "trail_log_group"}.get(mode)
        return f"{VIA[mode]} {self.options.get(key)}" if key else ""

    async def _load_server_side(self, aws: Any, query: TrailQuery, mode: str) -> None:
        opts = self.options
        progress = ScanProgress(start=query.start, end=query.end, via=VIA[mode], status="starting")
        self.progress = progress
        self._draw_status()
        if mode == "athena":
            await self._load_athena(aws, query, progress, opts)
            return

        def on_status(st: server.QueryStatus) -> None:
            progress.status = st.status
            progress.scanned = st.scanned or st.total  # Insights: records scanned; Lake: results found
            progress.matched = st.matched
            self._draw_status()

        kw: dict[str, Any] = dict(
            source_identity=self.filter.identity,
            event_source=query.event_source,
            event_name=query.event_name,
            on_status=on_status,
        )
        if mode == "lake":
            evs = await server.lake_events(aws, opts["trail_lake"], query.start, query.end, **kw)
        else:
            evs = await server.insights_events(aws, opts["trail_log_group"], query.start, query.end, **kw)
        evs = [e for e in evs if query.accepts(e)]
        progress.pages = 1
        progress.matched = len(evs)
        progress.done = True
        self._add(evs)

    async def _load_athena(
        self, aws: Any, query: TrailQuery, progress: ScanProgress, opts: dict[str, Any]
    ) -> None:
        flt = ServerFilter(
            query.start,
            query.end,
            self.filter.identity,
            query.event_source,
            query.event_name,
            resource=query.resource_name,
            mutating=self.filter.mutating_only,
            failed=self.filter.failed_only,
            text=self.filter.text,
        )

        def on_status(st: athena.AthenaStatus) -> None:
            progress.status = st.status
            progress.scanned = st.rows
            progress.matched = st.matched
            progress.detail = st.detail()
            progress.note = st.note
            self._draw_status()

        async for page in athena.athena_pages(
            aws,
            opts["trail_athena"],
            flt,
            workgroup=opts.get("athena_workgroup"),
            output=opts.get("athena_output"),
            on_status=on_status,
        ):
            progress.pages += 1
            self._add(page)
        progress.done = True

"""Headless ``smtui trail``: CloudTrail events filtered by sourceIdentity, printed for scripts and SSH.

    smtui trail --source-identity alice --since 7d --json
    smtui trail --no-source-identity --event-name CreateTrainingJob
    smtui trail --resource xgb-churn-1 --since 30d
    smtui trail --summary
    smtui --trail-log-group aws-cloudtrail-logs trail --source-identity alice --since 90d
    smtui --trail-athena cloudtrail_logs trail --source-identity alice --since 180d
    smtui trail --since 7d --output md > audit.md

Events are printed newest first, one per line (one JSON object per line with ``--json``), as they
arrive; ``--output json|csv|tsv|md`` prints them (or the summary) once the scan is done, with the window and
filters at the top. smtui's own calls (user agent ``smtui/<version>``) are left out unless ``--show-own``;
how many were left out goes to stderr. Progress goes to stderr when it is a terminal. With ``--trail-athena`` the
lines also say each event's account and region (an organisation trail holds many), after the time, and every
filter runs in Athena. LookupEvents keeps 90 days, so its window is cut to 90 days; Athena, Lake and a log group
keep what their storage keeps. Exit status: 0, 1 on an AWS error, 2 on bad arguments.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime
from typing import Any, TextIO

from smtui.aws import timegrammar
from smtui.aws.trail import athena, lookup, server
from smtui.aws.trail.events import NO_IDENTITY, RETENTION, SAGEMAKER_SOURCE, TrailEvent
from smtui.aws.trail.export import FORMATS, ExportHeader, export_events, export_summary
from smtui.aws.trail.filters import EventFilter, IdentityIndex
from smtui.aws.trail.lookup import TrailQuery
from smtui.aws.trail.queries import ServerFilter, check_identity


def add_arguments(parser: argparse.ArgumentParser) -> None:
    who = parser.add_mutually_exclusive_group()
    who.add_argument(
        "--source-identity",
        metavar="ID",
        help="only events of this sourceIdentity (a Studio user profile name)",
    )
    who.add_argument(
        "--no-source-identity",
        action="store_true",
        help="only events without a sourceIdentity (CI roles, services, shared spaces)",
    )
    parser.add_argument(
        "--event-name",
        metavar="NAME",
        help="only this event (exact, e.g. CreateTrainingJob); looked up on the server",
    )
    parser.add_argument(
        "--resource",
        metavar="NAME",
        help="only events on this resource (ResourceName lookup, "
        "then the EventSource window matched by name)",
    )
    parser.add_argument(
        "--since",
        default="24h",
        metavar="WHEN",
        help="start of the window: 24h, 7d, 180d ago, or an ISO time (default 24h; LookupEvents keeps 90d, "
        "a trail in S3 read with --trail-athena what its bucket keeps)",
    )
    parser.add_argument("--until", default="now", metavar="WHEN", help="end of the window (default now)")
    parser.add_argument(
        "--event-source",
        default=SAGEMAKER_SOURCE,
        metavar="SOURCE",
        help="event source (default sagemaker.amazonaws.com; 'all' for every source)",
    )
    parser.add_argument("--mutating", action="store_true", help="only calls that change something")
    parser.add_argument("--failed", action="store_true", help="only calls that failed")
    parser.add_argument("--grep", metavar="TEXT", help="only events whose fields contain TEXT")
    parser.add_argument(
        "--summary", action="store_true", help="print the per-sourceIdentity summary instead of the events"
    )
    parser.add_argument("--limit", type=int, metavar="N", help="stop after scanning N events")
    parser.add_argument("--json", action="store_true", help="one JSON object per line, as events arrive")
    parser.add_argument(
        "--output",
        choices=FORMATS,
        metavar="FORMAT",
        help="print the events (or --summary) as json, csv, tsv or md once the scan is done, "
        "with the window and filters at the top",
    )
    parser.add_argument(
        "--show-own",
        action="store_true",
        help="include smtui's own calls (user agent smtui/<version>); left out by default",
    )


def format_line(ev: TrailEvent, *, where: bool = False) -> str:
    """A tab-separated line: time, (with ``where``: account, region,) event, sourceIdentity, principal, resource,
    source IP, error, r/w, note."""
    rw = ev.rw_label
    fields = [
        ev.time.isoformat() if ev.time else "?",
        *((ev.account or "-", ev.region or "-") if where else ()),
        ev.name,
        ev.source_identity or "-",
        ev.principal_label,
        ev.resource or "-",
        ev.source_ip or "-",
        ev.error_code or "-",
        rw,
    ]
    note = "; ".join(x for x in (ev.insight, ev.problem) if x)
    if note:
        fields.append(f"[{note}]")
    return "\t".join(fields)


def _summary_lines(index: IdentityIndex, as_json: bool) -> list[str]:
    out = []
    for s in index.summaries():
        if as_json:
            out.append(json.dumps(s.to_json(), ensure_ascii=False))
        else:
            first = s.first.isoformat() if s.first else "?"
            last = s.last.isoformat() if s.last else "?"
            out.append(
                f"{s.label}\tcalls={s.calls}\tmutating={s.mutating}\tmutating_inferred={s.mutating_inferred}\t"
                f"failed={s.failed}\t"
                f"first={first}\tlast={last}\tactions={s.actions_text(20)}"
            )
    return out


async def run(
    args: argparse.Namespace, aws: Any, settings: Any, out: TextIO | None = None, err: TextIO | None = None
) -> int:
    out = out or sys.stdout
    err = err or sys.stderr
    now = datetime.now(UTC)
    try:
        start = timegrammar.parse_when(args.since, now=now)
        end = timegrammar.parse_when(args.until, now=now)
        if end <= start:
            raise ValueError("--until must be after --since")
        check_identity(args.source_identity)
    except ValueError as exc:
        err.write(f"smtui trail: {exc}\n")
        return 2
    lake = (
        settings.trail_lake
    )  # --trail-lake / --trail-log-group / --trail-athena (before or after the command)
    log_group = settings.trail_log_group
    athena_table = getattr(settings, "trail_athena", None)
    if end - start > RETENTION and not (lake or log_group or athena_table):
        start = end - RETENTION
        err.write("smtui trail: CloudTrail event history keeps 90 days; the window is cut to 90 days\n")
    identity = NO_IDENTITY if args.no_source_identity else (args.source_identity or None)
    source = None if args.event_source in ("all", "*", "") else args.event_source
    flt = EventFilter(
        identity=identity,
        mutating_only=args.mutating,
        failed_only=args.failed,
        text=args.grep or "",
        event_name=args.event_name,
        resource=args.resource,
        show_own=args.show_own,
    )
    progress_tty = err.isatty()
    index = IdentityIndex()
    printed = hidden = scanned = 0
    kept: list[TrailEvent] = []
    complete = True

    def emit(events: list[TrailEvent]) -> None:
        nonlocal printed, hidden, scanned
        for ev in events:
            scanned += 1
            if flt.hides_own(ev):
                hidden += 1
            if not flt.matches(ev):
                continue
            index.add([ev])
            printed += 1
            if args.output:
                kept.append(ev)
            elif not args.summary:
                line = (
                    json.dumps(ev.to_json(), ensure_ascii=False)
                    if args.json
                    else format_line(ev, where=where)
                )
                out.write(line + "\n")
        out.flush()

    where = bool(athena_table)
    if athena_table:
        sflt = ServerFilter(
            start,
            end,
            identity,
            source,
            args.event_name,
            limit=args.limit or 10_000,
            resource=args.resource,
            mutating=args.mutating,
            failed=args.failed,
            text=args.grep or "",
        )

        def on_status(st: athena.AthenaStatus) -> None:
            if progress_tty:
                err.write(f"\rAthena {st.status or 'starting'} · {st.detail()}\x1b[K")

        async for page in athena.athena_pages(
            aws,
            athena_table,
            sflt,
            workgroup=settings.athena_workgroup,
            output=settings.athena_output,
            on_status=on_status,
        ):
            emit(page)
    elif lake or log_group:
        kw: dict[str, Any] = dict(source_identity=identity, event_source=source, event_name=args.event_name)
        if lake:
            events = await server.lake_events(aws, lake, start, end, **kw)
        else:
            events = await server.insights_events(aws, str(log_group), start, end, **kw)
        emit(events)
    elif args.resource:
        # two lookups (ResourceName, then the EventSource window): gathered, then printed newest first
        found: list[TrailEvent] = []
        async for new, progress, phase in lookup.resource_history(
            aws, args.resource, start=start, end=end, event_source=source, limit=args.limit
        ):
            found.extend(new)
            if progress_tty:
                err.write(f"\r{phase}: {progress.line()}\x1b[K")
        found.sort(key=lambda e: e.time or start, reverse=True)
        emit(found)
    else:
        query = TrailQuery(start=start, end=end, event_source=source, event_name=args.event_name)
        async for page, progress in lookup.scan(aws, query, limit=args.limit):
            emit(page)
            complete = not progress.cancelled
            if progress_tty:
                err.write(f"\r{progress.line()}\x1b[K")
    if progress_tty:
        err.write("\n")
    via = (
        "Athena " + athena_table
        if athena_table
        else "CloudTrail Lake " + lake
        if lake
        else ("Logs Insights " + log_group if log_group else "LookupEvents")
    )
    if args.output:
        header = ExportHeader(
            start=start,
            end=end,
            filters=flt.describe(),
            via=via,
            event_source=source,
            hidden_own=hidden,
            scanned=scanned,
            complete=complete,
        )
        text = (
            export_summary(index.summaries(), args.output, header)
            if args.summary
            else export_events(kept, args.output, header)
        )
        out.write(text)
    elif args.summary:
        for line in _summary_lines(index, args.json):
            out.write(line + "\n")
    if hidden:
        err.write(f"smtui trail: {hidden:,} of smtui's own calls left out (--show-own includes them)\n")
    if not args.json and not args.summary and not args.output and printed == 0:
        err.write("smtui trail: no matching events in the window\n")
    return 0

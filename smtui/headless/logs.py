"""``smtui logs KIND NAME``: a resource's CloudWatch logs, interleaved and cleaned, on stdout.

The same data layer as the log view (:mod:`smtui.aws.logs`): every stream of the resource, merged in
timestamp order, each line prefixed by its timestamp and short source label; ``--follow`` keeps going
(Ctrl-C ends it with status 0). Messages are cleaned of terminal control sequences, also in pipes.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import time
from datetime import UTC, datetime
from typing import Any

from smtui.aws.errors import AwsError
from smtui.headless.kinds import kind_words

_COLOURS = (36, 33, 35, 32, 34, 91, 96, 93, 95, 92, 94, 31)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("kind", metavar="KIND", help=f"one of {kind_words()} (those with logs)")
    parser.add_argument("name", metavar="NAME", help="the resource's name")
    parser.add_argument("-f", "--follow", action="store_true", help="keep printing new lines (Ctrl-C ends)")
    parser.add_argument(
        "--since",
        metavar="WHEN",
        help="5m, 1h, 2d, a date/time (UTC), or 'start' (default: a job's whole log, "
        "an endpoint's last hour)",
    )
    parser.add_argument("--until", metavar="WHEN", help="stop at this time (not with --follow)")
    parser.add_argument(
        "--filter",
        dest="pattern",
        metavar="PATTERN",
        help="a CloudWatch filter pattern, applied by the service",
    )
    parser.add_argument(
        "--source",
        action="append",
        metavar="LABEL",
        help="only these sources (algo-2, AllTraffic/i-0abc...); repeat or separate with commas",
    )
    parser.add_argument("--json", action="store_true", help="one JSON object per event")
    parser.add_argument(
        "--timestamps", choices=("utc", "local", "none"), default="utc", help="timestamp column (default utc)"
    )
    parser.add_argument("--no-labels", action="store_true", help="leave out the source label")
    parser.add_argument("--show-ping", action="store_true", help="keep endpoint /ping health-check lines")
    parser.add_argument(
        "--live-tail",
        choices=("auto", "on", "off"),
        default="auto",
        help="follow with StartLiveTail (auto: on real AWS, not against --endpoint-url)",
    )


class _Printer:
    def __init__(self, args: argparse.Namespace, width: int, out: Any) -> None:
        self.args = args
        self.width = width
        self.out = out
        self.colour = not args.json and out.isatty() and not os.environ.get("NO_COLOR")
        self.palette: dict[str, str] = {}
        self._sec: dict[int, str] = {}
        self._last_sec = -1
        self._last_head = ""
        self._zone = "Z" if args.timestamps == "utc" else ""
        self.lines = 0

    def _stamp(self, ms: int) -> str:
        sec, frac = divmod(ms, 1000)
        if sec == self._last_sec:
            return f"{self._last_head}.{frac:03d}{self._zone} "
        head = self._sec.get(sec)
        if head is None:
            if len(self._sec) > 4096:
                self._sec.clear()
            if self.args.timestamps == "local":
                head = datetime.fromtimestamp(sec).astimezone().strftime("%Y-%m-%dT%H:%M:%S")
            else:
                head = datetime.fromtimestamp(sec, UTC).strftime("%Y-%m-%dT%H:%M:%S")
            self._sec[sec] = head
        self._last_sec, self._last_head = sec, head
        return f"{head}.{frac:03d}{self._zone} "

    def _label(self, source: str) -> str:
        lab = self.palette.get(source)
        if lab is None:
            self.width = max(self.width, len(source))
            padded = source.ljust(self.width)
            if self.colour:
                code = _COLOURS[len(self.palette) % len(_COLOURS)]
                padded = f"\x1b[{code}m{padded}\x1b[0m"
            lab = self.palette[source] = padded + " "
        return lab

    def write(self, events: list[Any]) -> None:
        from smtui.text import clean

        args = self.args
        chunks: list[str] = []
        add = chunks.append
        if args.json:
            for e in events:
                d = e.to_json()
                d["message"] = clean(e.message, newlines=True)
                add(json.dumps(d, ensure_ascii=False))
                add("\n")
        else:
            stamps = args.timestamps != "none"
            labels = not args.no_labels
            stamp, label = self._stamp, self._label
            for e in events:
                prefix = (stamp(e.timestamp) if stamps else "") + (label(e.source) if labels else "")
                msg = e.message
                # printable text has no control character and no escape: the common case skips the regexes
                if not msg.isprintable():
                    msg = clean(msg, newlines=True)
                    if "\n" in msg:
                        msg = msg.rstrip("\n").replace("\n", "\n" + prefix)
                add(f"{prefix}{msg}\n")
        self.lines += len(events)
        self.out.write("".join(chunks))


def _when(ms: int | None, otherwise: str) -> str:
    if ms is None:
        return otherwise
    return datetime.fromtimestamp(ms / 1000, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


async def run(args: argparse.Namespace, aws: Any, settings: Any) -> int:
    from smtui.aws.logs import (
        MIN_OVERLAP_MS,
        Deduper,
        ResourceLogs,
        default_since,
        instances_not_logged,
        is_health_check,
        parse_time,
        resource_start_ms,
    )
    from smtui.headless.kinds import resolve

    err = sys.stderr
    kind = resolve("logs", args.kind, logs=True)
    if kind is None:
        return 2
    if args.follow and args.until:
        err.write("smtui logs: --until cannot be used with --follow\n")
        return 2

    def notice(message: str) -> None:
        if message:
            err.write(f"smtui logs: {message}\n")

    logs = ResourceLogs(aws, kind, args.name, pattern=args.pattern, notice=notice)
    # The resource is described before anything is printed, but while its first log pages are in flight.
    describe_task: asyncio.Task[dict[str, Any]] | None = None

    async def described() -> dict[str, Any] | None:
        nonlocal describe_task
        if describe_task is None:
            describe_task = asyncio.ensure_future(logs.describe())
        try:
            return await describe_task
        except AwsError as exc:
            if exc.is_not_found:
                err.write(
                    f"smtui logs: {kind.singular} {args.name!r} does not exist in "
                    f"{aws.region or 'this region'} ({exc.one_line()})\n"
                )
                return None
            raise

    now = int(time.time() * 1000)
    try:
        if args.since in (None, ""):
            # an endpoint that no longer serves is read from the hour before it last changed: describe it
            describe = None if kind.bounded_logs else await described()
            if describe is None and not kind.bounded_logs:
                return 1
            start = default_since(kind, describe, now)
        elif args.since.strip().lower() in ("start", "all", "beginning"):
            if (describe := await described()) is None:
                return 1
            start = resource_start_ms(kind, describe) if not kind.bounded_logs else None
            start = None if start is None else start - 60_000
        else:
            start = parse_time(args.since, now_ms=now)
        end = parse_time(args.until, now_ms=now) if args.until else None
    except ValueError as exc:
        err.write(f"smtui logs: {exc}\n")
        return 2
    wanted: set[str] | None = None
    if args.source:
        wanted = {s.strip() for group in args.source for s in group.split(",") if s.strip()}

    streams = await logs.streams()
    sources = sorted({s.source for s in streams})
    if not streams and await described() is None:
        return 1
    if wanted is not None:
        unknown = wanted - set(sources)
        if unknown:
            known = ", ".join(sources) or "none yet"
            later = " yet; following in case it starts logging" if args.follow else ""
            err.write(f"smtui logs: no such source {', '.join(sorted(unknown))}{later} (known: {known})\n")
            if unknown == wanted and not args.follow:
                return 1
        streams = [s for s in streams if s.source in wanted]
    if not streams and not args.follow and not args.pattern:
        err.write(f"smtui logs: no log streams for {kind.singular} {args.name} in {logs.group}\n")
        return 0

    printer = _Printer(
        args, max((len(s) for s in sources if wanted is None or s in wanted), default=6), sys.stdout
    )
    hide_ping = kind.health_checks and not args.show_ping

    def keep(batch: list[Any]) -> list[Any]:
        if wanted is not None:
            batch = [e for e in batch if e.source in wanted]
        if hide_ping:
            batch = [e for e in batch if not is_health_check(e.message)]
        return batch

    history_end = end if end is not None else (now if args.follow else None)
    dedupe = Deduper()
    stream_names = [s.name for s in streams]
    checked = False

    async def check() -> bool:
        nonlocal checked
        if not checked:
            checked = True
            describe = await described()
            if describe is None:
                return False
            missing = instances_not_logged(kind, describe, sources)
            if missing:
                err.write(f"smtui logs: not logged yet: {', '.join(missing)}\n")
        return True

    async for batch in logs.history(start, history_end, streams=stream_names if not args.pattern else None):
        if not checked and not await check():
            return 1
        if args.follow:
            for e in batch:
                if e.timestamp >= now - MIN_OVERLAP_MS:
                    dedupe.remember(e)
        batch = keep(batch)
        if batch:
            printer.write(batch)
    if not await check():
        return 1
    sys.stdout.flush()
    if not printer.lines:  # nothing printed: say so, and for which range (stdout stays empty for scripts)
        what = f"no events matched {args.pattern}" if args.pattern else "no events"
        if wanted is not None:
            what += f" from {', '.join(sorted(wanted))}"
        err.write(
            f"smtui logs: {what} between {_when(start, 'the start of the log')} and {_when(history_end, 'now')}"
            f"{' (so far; following)' if args.follow else ''}\n"
        )
    if not args.follow:
        return 0
    live = {"auto": None, "on": True, "off": False}[args.live_tail]
    source = logs.follow(now, live_tail=live, deduper=dedupe)
    async for batch in source.batches():
        batch = keep(batch)
        if batch:
            printer.write(batch)
            sys.stdout.flush()
    return 0

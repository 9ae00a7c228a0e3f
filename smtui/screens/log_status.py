"""What the log screen's header and status lines say: the resource, its group and sources, the range; then
following or not, how many lines, the search and its matches, the filters, and any notice or error."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from rich.text import Text

from smtui.aws.resources import ResourceKind
from smtui.text import clean
from smtui.widgets.log_view import LogView

#: the time-range keys (1, 2, 3) and how far back each goes
RANGES = {"5m": 300_000, "1h": 3_600_000, "1d": 86_400_000}


def range_label(key: str | None, start: int | None) -> str:
    if key in RANGES:
        return f"last {key}"
    if key == "start" or (key is None and start is None):
        return "since start"
    if key and key.startswith("@"):
        return f"from {key[1:]}"
    return "last 1h"


def range_start(
    kind: ResourceKind, describe: Mapping[str, Any] | None, key: str | None, now_ms: int, *, local: bool
) -> int | None:
    """Where the log view starts for the range key (None: from the log's beginning): the kind's default,
    one of :data:`RANGES`, ``start`` (the resource's start), or ``@TIME`` (``parse_time``'s grammar; its
    ValueError is the caller's, who checked the text when it was typed)."""
    from smtui.aws.logs import default_since, parse_time, resource_start_ms

    if key in RANGES:
        return now_ms - RANGES[key]
    if key == "start":
        start = resource_start_ms(kind, describe)
        return None if (start is None or kind.bounded_logs) else start
    if key is not None and key.startswith("@"):
        return parse_time(key[1:], now_ms=now_ms, local=local)
    return default_since(kind, describe, now_ms)  # None, or a key this module does not know


def header_text(
    kind: ResourceKind,
    name: str,
    *,
    sources: Sequence[str],
    missing: Sequence[str],
    range_text: str,
    cut: bool,
    pattern: str | None,
    describe: Mapping[str, Any] | None = None,
) -> Text:
    t = Text(no_wrap=True, overflow="ellipsis")
    t.append(f"{kind.singular} ", "dim")
    t.append(clean(name), "bold")
    if sources:
        t.append(f"  {len(sources)} source{'s' if len(sources) != 1 else ''}")
    if missing:
        t.append(f"  not logged yet: {', '.join(missing)}", "yellow")
    t.append(f"  range: {range_text}", "dim")
    if cut:
        t.append(" (the newest lines; g for older)", "dim")
    if pattern:
        t.append("  pattern: ", "dim")
        t.append(clean(pattern), "magenta")
    group = kind.log_group(name, describe)  # last: the first thing cut in a narrow terminal
    prefix = kind.stream_prefix(name)
    t.append(f"  {clean(group)}{(' · ' + clean(prefix) + '*') if prefix else ''}", "dim")
    return t


def status_text(view: LogView, *, error: str | None, busy: bool, notice: str) -> Text:
    t = Text()
    if error:
        t.append(error, "bold red")
        t.append("  ")
    if busy:
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
        count = view.match_count
        t.append("  /")
        t.append(view.search.pattern, "bold")
        t.append(f" {count:,} match{'es' if count != 1 else ''}")
        pos = view.current_match_number()
        if pos:
            t.append(f" ({pos:,}/{count:,})")
        if view.matches_only:
            t.append(" [matches only]", "magenta")
        t.append("  esc clears", "dim")
    if view.sources is not None:
        t.append(f"  sources: {', '.join(sorted(view.sources)) or 'none'}", "cyan")
    if view.hide_health_checks:
        t.append("  /ping hidden (P)", "dim")
    if notice:
        t.append("  ")
        t.append(notice, "yellow")
    return t

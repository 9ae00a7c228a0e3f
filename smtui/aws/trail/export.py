"""Events or the per-identity summary as a file an auditor attaches to a ticket: JSON, CSV, TSV or Markdown,
with the query (window, filters, where the events came from, smtui's own calls hidden) written at the top.

Every value is a string the data layer already cleaned; TSV and CSV cells are one line (clean turns tabs and
line separators into spaces), Markdown cells have their pipes escaped.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from smtui.aws.trail.events import TrailEvent
from smtui.aws.trail.filters import IdentitySummary

FORMATS = ("json", "csv", "tsv", "md")
EVENT_COLUMNS: tuple[tuple[str, str], ...] = (
    ("time", "time (UTC)"),
    ("eventName", "event"),
    ("sourceIdentity", "sourceIdentity"),
    ("principal", "principal"),
    ("resource", "resource"),
    ("sourceIPAddress", "source IP"),
    ("errorCode", "error"),
    ("readWrite", "read/write"),
    ("eventSource", "event source"),
    ("eventId", "event id"),
    ("note", "note"),
)
SUMMARY_COLUMNS: tuple[tuple[str, str], ...] = (
    ("sourceIdentity", "sourceIdentity"),
    ("calls", "calls"),
    ("mutating", "mutating"),
    ("mutatingInferred", "mutating (inferred)"),
    ("failed", "failed"),
    ("actions", "create/update/stop/delete"),
    ("firstSeen", "first seen"),
    ("lastSeen", "last seen"),
    ("principals", "principals"),
)


@dataclass
class ExportHeader:
    """What was asked: written at the top of every export."""

    start: datetime
    end: datetime
    filters: str
    via: str = "LookupEvents"
    event_source: str | None = None
    hidden_own: int = 0
    scanned: int = 0
    complete: bool = True
    extra: dict[str, str] = field(default_factory=dict)

    def items(self) -> list[tuple[str, str]]:
        out = [
            ("window", f"{self.start.isoformat()} .. {self.end.isoformat()}"),
            ("filters", self.filters),
            ("event source", self.event_source or "all"),
            ("read with", self.via),
            ("events scanned", f"{self.scanned:,}" + ("" if self.complete else " (the scan did not finish)")),
            ("smtui's own calls hidden", f"{self.hidden_own:,}"),
        ]
        out.extend(self.extra.items())
        return out


def event_cells(ev: TrailEvent) -> dict[str, str]:
    return {
        "time": ev.time.isoformat() if ev.time else "",
        "eventName": ev.name,
        "sourceIdentity": ev.source_identity or "",
        "principal": ev.principal_label,
        "resource": ev.resource,
        "sourceIPAddress": ev.source_ip,
        "errorCode": ev.error_code,
        "readWrite": ev.rw_label,
        "eventSource": ev.source,
        "eventId": ev.event_id,
        "note": "; ".join(x for x in (ev.insight, ev.problem) if x),
    }


def summary_cells(s: IdentitySummary) -> dict[str, str]:
    return {
        "sourceIdentity": s.label,
        "calls": str(s.calls),
        "mutating": str(s.mutating),
        "mutatingInferred": str(s.mutating_inferred),
        "failed": str(s.failed),
        "actions": s.actions_text(50),
        "firstSeen": s.first.isoformat() if s.first else "",
        "lastSeen": s.last.isoformat() if s.last else "",
        "principals": ", ".join(p for p, _ in s.principals.most_common(5)),
    }


def _table(
    fmt: str, header: ExportHeader, title: str, columns: Sequence[tuple[str, str]], rows: list[dict[str, str]]
) -> str:
    out = io.StringIO()
    if fmt in ("csv", "tsv"):
        for k, v in header.items():
            out.write(f"# {k}: {v}\n")
        w = csv.writer(out, delimiter="," if fmt == "csv" else "\t", lineterminator="\n")
        w.writerow([label for _, label in columns])
        for r in rows:
            w.writerow([r[key] for key, _ in columns])
        return out.getvalue()
    if fmt == "md":

        def esc(s: str) -> str:
            return s.replace("\\", "\\\\").replace("|", "\\|") or " "

        out.write(f"# {title}\n\n")
        for k, v in header.items():
            out.write(f"- **{k}**: {esc(v)}\n")
        out.write("\n| " + " | ".join(label for _, label in columns) + " |\n")
        out.write("|" + "---|" * len(columns) + "\n")
        for r in rows:
            out.write("| " + " | ".join(esc(r[key]) for key, _ in columns) + " |\n")
        return out.getvalue()
    raise ValueError(f"not an export format: {fmt!r} (use {', '.join(FORMATS)})")


def export_events(events: Iterable[TrailEvent], fmt: str, header: ExportHeader) -> str:
    """The events (newest first, as given) in ``fmt``."""
    evs = list(events)
    if fmt == "json":
        doc: dict[str, Any] = {"query": dict(header.items()), "events": [e.to_json() for e in evs]}
        return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
    return _table(fmt, header, "CloudTrail events", EVENT_COLUMNS, [event_cells(e) for e in evs])


def export_summary(summaries: Iterable[IdentitySummary], fmt: str, header: ExportHeader) -> str:
    """The per-sourceIdentity summary in ``fmt``."""
    ss = list(summaries)
    if fmt == "json":
        doc: dict[str, Any] = {"query": dict(header.items()), "identities": [s.to_json() for s in ss]}
        return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
    return _table(
        fmt, header, "CloudTrail by sourceIdentity", SUMMARY_COLUMNS, [summary_cells(s) for s in ss]
    )

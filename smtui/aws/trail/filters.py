"""Filters and summaries over parsed events: the pane's and ``smtui trail``'s client-side filters, the
per-sourceIdentity summary, a resource's lifecycle, and hiding smtui's own calls.

smtui's own List/Describe calls land in the very trail it shows (every refresh of every pane). They carry
``smtui/<version>`` in their user agent (:attr:`TrailEvent.own`); :class:`EventFilter` hides them unless
``show_own`` is set, and :func:`count_hidden_own` says how many it hid.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from smtui.aws.trail.events import NO_IDENTITY, NO_IDENTITY_LABEL, TrailEvent
from smtui.aws.trail.lookup import names_resource


@dataclass(frozen=True)
class EventFilter:
    """The pane's client-side filters. ``identity`` None means any; :data:`NO_IDENTITY` selects
    events without a sourceIdentity."""

    identity: str | None = None
    event_name: str | None = None
    mutating_only: bool = False
    failed_only: bool = False
    text: str = ""
    resource: str | None = None
    #: show smtui's own calls (hidden by default: they are the auditor's footprint, not the account's story)
    show_own: bool = False

    def matches(self, ev: TrailEvent) -> bool:
        if not self.show_own and ev.own:
            return False
        return self.matches_ignoring_own(ev)

    def matches_ignoring_own(self, ev: TrailEvent) -> bool:
        if self.identity is not None and ev.identity_key != self.identity:
            return False
        if self.event_name and ev.name != self.event_name:
            return False
        if self.mutating_only and not ev.writes:
            return False
        if self.failed_only and not ev.failed:
            return False
        if self.resource and not names_resource(ev, self.resource):
            return False
        return not (self.text and self.text.lower() not in ev.haystack())

    def with_(self, **kw: Any) -> EventFilter:
        return replace(self, **kw)

    def describe(self) -> str:
        parts = []
        if self.identity is not None:
            parts.append(f"identity={self.identity or NO_IDENTITY_LABEL}")
        if self.event_name:
            parts.append(f"event={self.event_name}")
        if self.resource:
            parts.append(f"resource={self.resource}")
        if self.mutating_only:
            parts.append("mutating only")
        if self.failed_only:
            parts.append("failed only")
        if self.text:
            parts.append(f"text={self.text!r}")
        if self.show_own:
            parts.append("smtui's own calls shown")
        return ", ".join(parts) or "no filter"

    def hides_own(self, ev: TrailEvent) -> bool:
        """True when ``ev`` is one of smtui's own calls that this filter hides but would otherwise show."""
        return not self.show_own and ev.own and self.matches_ignoring_own(ev)


def count_hidden_own(events: Iterable[TrailEvent], flt: EventFilter) -> int:
    """How many of smtui's own calls ``flt`` hides from ``events``."""
    return sum(1 for e in events if flt.hides_own(e))


def filter_events(events: Iterable[TrailEvent], flt: EventFilter) -> list[TrailEvent]:
    return [e for e in events if flt.matches(e)]


# ---------------------------------------------------------------------------------------------- summary
@dataclass
class IdentitySummary:
    """Per sourceIdentity: calls, mutating actions, failures, first and last seen."""

    identity: str  # NO_IDENTITY for events without one
    calls: int = 0
    failed: int = 0
    mutating: int = 0  # the record says readOnly: false
    mutating_inferred: int = 0  # no readOnly in the record; the event name suggests a write
    actions: Counter[str] = field(default_factory=Counter)  # Create*/Update*/Stop*/Delete* by name
    principals: Counter[str] = field(default_factory=Counter)
    first: datetime | None = None
    last: datetime | None = None

    @property
    def label(self) -> str:
        return self.identity or NO_IDENTITY_LABEL

    def add(self, ev: TrailEvent) -> None:
        self.calls += 1
        if ev.failed:
            self.failed += 1
        if ev.mutating:
            self.mutating += 1
        elif ev.writes:
            self.mutating_inferred += 1
        if ev.summary_action:
            self.actions[ev.name] += 1
        if ev.principal_label:
            self.principals[ev.principal_label] += 1
        if ev.time is not None:
            if self.first is None or ev.time < self.first:
                self.first = ev.time
            if self.last is None or ev.time > self.last:
                self.last = ev.time

    def mutating_text(self) -> str:
        """``3`` or ``3 (+2?)``: inferred writes are never added to the count the record gives."""
        return f"{self.mutating:,}" + (f" (+{self.mutating_inferred:,}?)" if self.mutating_inferred else "")

    def actions_text(self, limit: int = 6) -> str:
        items = self.actions.most_common()
        text = ", ".join(f"{n}×{c}" if c > 1 else n for n, c in items[:limit])
        if len(items) > limit:
            text += f", +{len(items) - limit} more"
        return text or "none"

    def to_json(self) -> dict[str, Any]:
        return {
            "sourceIdentity": self.identity or None,
            "calls": self.calls,
            "failed": self.failed,
            "mutating": self.mutating,
            "mutatingInferred": self.mutating_inferred,
            "actions": dict(self.actions.most_common()),
            "principals": dict(self.principals.most_common()),
            "firstSeen": self.first.isoformat() if self.first else None,
            "lastSeen": self.last.isoformat() if self.last else None,
        }


class IdentityIndex:
    """Events counted per sourceIdentity, updated page by page (O(events added))."""

    def __init__(self) -> None:
        self.by_identity: dict[str, IdentitySummary] = {}

    def add(self, events: Iterable[TrailEvent]) -> None:
        for ev in events:
            key = ev.identity_key
            s = self.by_identity.get(key)
            if s is None:
                s = self.by_identity[key] = IdentitySummary(key)
            s.add(ev)

    def summaries(self) -> list[IdentitySummary]:
        """Most calls first; the no-sourceIdentity group last, so it is easy to find."""
        return sorted(
            self.by_identity.values(), key=lambda s: (s.identity == NO_IDENTITY, -s.calls, s.identity)
        )

    def __len__(self) -> int:
        return len(self.by_identity)


def summarize(events: Iterable[TrailEvent]) -> list[IdentitySummary]:
    index = IdentityIndex()
    index.add(events)
    return index.summaries()


_LIFECYCLE_VERBS = {
    "Create": "created",
    "Update": "updated",
    "Stop": "stopped",
    "Delete": "deleted",
    "Start": "started",
}


def lifecycle(events: Iterable[TrailEvent], name: str = "") -> list[tuple[str, TrailEvent]]:
    """(verb, event) for each Create*/Update*/Stop*/Delete*/Start* call that succeeded, oldest first:
    who created the resource, updated it, stopped or deleted it. With the resource's ``name``, what a
    service did itself for another resource (a tuning job's ``AwsServiceEvent`` creating one of its training
    jobs, which names the training job first) is not a step of this one's."""
    out = []
    low = name.lower()
    for ev in events:
        if ev.failed:
            continue
        if low and ev.event_type == "AwsServiceEvent" and ev.resources:
            first = ev.resources[0][1].lower()
            if first != low and not first.endswith("/" + low):
                continue
        for prefix, verb in _LIFECYCLE_VERBS.items():
            if ev.name.startswith(prefix):
                out.append((verb, ev))
                break
    out.sort(key=lambda p: p[1].time or datetime.min.replace(tzinfo=UTC))
    return out


def lifecycle_line(verb: str, ev: TrailEvent) -> str:
    """``created 2026-11-25 10:00:00 by alice (AssumedRole SageMakerExecutionRole/alice) with CreateTrainingJob``."""
    who = ev.source_identity or NO_IDENTITY_LABEL
    return f"{verb} {ev.when()} by {who} ({ev.principal_label}) with {ev.name}"

"""Listing one kind of resource: server-side filters, paging, in-place diffs, Describe caching and
the human formatting of times. No Textual here (and no botocore at module level).

A pane keeps one :class:`Listing`. Every refresh is a *pass*: :meth:`Listing.begin`, then
:meth:`Listing.apply` for each page as it arrives (rows are added or updated in place by name at
once, so the first page is visible before the second is fetched), then :meth:`Listing.finish`, which
returns the names not seen in the pass (deleted resources). A pass that failed half-way removes
nothing.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import AsyncIterator, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from smtui.aws import timegrammar
from smtui.aws.resources import ResourceKind

if TYPE_CHECKING:  # pragma: no cover
    from smtui.aws.session import AwsSession

UTC = dt.UTC


def utcnow() -> dt.datetime:
    """The current time. Tests that need stable output replace this function (``listing.utcnow``)."""
    return dt.datetime.now(UTC)


# ---------------------------------------------------------------------------------------------- filters

#: NameContains accepts ``[a-zA-Z0-9-]`` up to 63 characters (ListTrainingJobs and friends)
_NAME_CONTAINS = re.compile(r"^[a-zA-Z0-9-]{1,63}$")


def parse_since(text: str, now: dt.datetime | None = None) -> dt.datetime | None:
    """``"2h"``, ``"3d"``, ``"30m"``, ``"1w"`` (ago) or an ISO 8601 date/time -> an aware datetime, in the
    one time grammar (:mod:`smtui.aws.timegrammar`). Empty text gives ``None``. Raises ``ValueError``."""
    return timegrammar.parse_since(text, now=now or utcnow())


@dataclass(frozen=True)
class ServerFilter:
    """Filters the List call applies on the server: StatusEquals, NameContains, CreationTimeAfter."""

    status: str | None = None
    name_contains: str | None = None
    created_after: dt.datetime | None = None

    def __bool__(self) -> bool:
        return bool(self.status or self.name_contains or self.created_after)

    def validate(self, kind: ResourceKind) -> None:
        """Raise ``ValueError`` for a value the List call would refuse, or a filter it does not take."""
        self.check_values(kind)
        for what in self.given():
            if what not in kind.list_filters:
                raise ValueError(
                    f"{kind.list_api} cannot filter by {what} on the server: filter the rows with / instead"
                )

    def check_values(self, kind: ResourceKind) -> None:
        """Raise ``ValueError`` for a status the kind does not have or a name part NameContains refuses."""
        if self.status and self.status not in kind.statuses:
            raise ValueError(
                f"{self.status!r} is not a status of {kind.title.lower()}: {', '.join(kind.statuses)}"
            )
        if self.name_contains and not _NAME_CONTAINS.match(self.name_contains):
            raise ValueError("name filter: up to 63 letters, digits and hyphens")

    def given(self) -> list[str]:
        """The filters set: ``status``, ``name``, ``created`` (ResourceKind.list_filters' words)."""
        pairs = (("status", self.status), ("name", self.name_contains), ("created", self.created_after))
        return [what for what, value in pairs if value]

    def on_server(self, kind: ResourceKind) -> ServerFilter:
        """The part of this filter the kind's List call takes."""
        return ServerFilter(
            self.status if "status" in kind.list_filters else None,
            self.name_contains if "name" in kind.list_filters else None,
            self.created_after if "created" in kind.list_filters else None,
        )

    def params(self) -> dict[str, Any]:
        p: dict[str, Any] = {}
        if self.status:
            p["StatusEquals"] = self.status
        if self.name_contains:
            p["NameContains"] = self.name_contains
        if self.created_after:
            p["CreationTimeAfter"] = self.created_after
        return p

    def describe(self) -> str:
        parts = []
        if self.status:
            parts.append(f"status={self.status}")
        if self.name_contains:
            parts.append(f"name~{self.name_contains}")
        if self.created_after:
            parts.append(f"created>{iso(self.created_after)}")
        return " ".join(parts)


def list_params(
    kind: ResourceKind,
    flt: ServerFilter | None = None,
    max_results: int = 100,
    modified_after: dt.datetime | None = None,
) -> dict[str, Any]:
    """The List call's parameters: MaxResults, SortBy and SortOrder always, plus the server filter
    (and ``LastModifiedTimeAfter`` for an incremental refresh)."""
    params = {**kind.list_params(max_results), **(flt.on_server(kind).params() if flt else {})}
    if modified_after is not None and "modified" in kind.list_filters:
        params["LastModifiedTimeAfter"] = modified_after
    return params


async def iter_pages(
    aws: AwsSession,
    kind: ResourceKind,
    flt: ServerFilter | None = None,
    max_results: int = 100,
    modified_after: dt.datetime | None = None,
) -> AsyncIterator[list[dict[str, Any]]]:
    """Yield the summaries of every page (possibly empty pages: paging goes on while a token comes)."""
    params = list_params(kind, flt, max_results, modified_after)
    async for page in aws.pages("sagemaker", kind.list_op, **params):
        yield list(page.get(kind.list_key) or [])


#: a listing of at least this many pages is refreshed incrementally (LastModifiedTimeAfter) ...
INCREMENTAL_MIN_PAGES = 3
#: ... with a full pass (which also notices deleted resources) every this many refreshes
FULL_EVERY = 6
#: overlap of an incremental refresh, for clock skew and eventual consistency
INCREMENTAL_OVERLAP = dt.timedelta(minutes=2)


# ---------------------------------------------------------------------------------------------- listing


@dataclass
class PageChange:
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)


class Listing:
    """The summaries of one pane, keyed by name, updated in place by refresh passes."""

    def __init__(self, kind: ResourceKind) -> None:
        self.kind = kind
        self.summaries: dict[str, dict[str, Any]] = {}
        self._seen: set[str] | None = None
        self.complete = False  # a whole pass has finished at least once
        self.passes = 0
        #: pages of the last full pass, and refreshes since it
        self.full_pages = 0
        self.since_full = 0
        #: the newest LastModifiedTime seen (for incremental refreshes)
        self.newest_modified: dt.datetime | None = None
        self._partial = False

    def __len__(self) -> int:
        return len(self.summaries)

    def clear(self) -> None:
        self.summaries.clear()
        self._seen = None
        self.complete = False
        self.full_pages = 0
        self.since_full = 0
        self.newest_modified = None

    def incremental_since(self) -> dt.datetime | None:
        """``LastModifiedTimeAfter`` for the next pass, or ``None`` when it must be a full pass."""
        if (
            not self.complete
            or "modified" not in self.kind.list_filters
            or self.newest_modified is None
            or self.full_pages < INCREMENTAL_MIN_PAGES
            or self.since_full >= FULL_EVERY
        ):
            return None
        return self.newest_modified - INCREMENTAL_OVERLAP

    def begin(self, *, partial: bool = False) -> None:
        """Start a pass; a ``partial`` pass (an incremental refresh) adds and updates but removes nothing."""
        self._partial = partial
        self._seen = set()

    def apply(self, summaries: Iterable[Mapping[str, Any]]) -> PageChange:
        change = PageChange()
        seen = self._seen
        name_of = self.kind.name_of
        for summary in summaries:
            name = name_of(summary)
            if not name:
                continue
            if seen is not None:
                seen.add(name)
            modified = as_aware(summary.get("LastModifiedTime"))
            if modified is not None and (self.newest_modified is None or modified > self.newest_modified):
                self.newest_modified = modified
            old = self.summaries.get(name)
            if old is None:
                self.summaries[name] = dict(summary)
                change.added.append(name)
            elif old != summary:
                self.summaries[name] = dict(summary)
                change.changed.append(name)
        return change

    def finish(self, pages: int = 0) -> list[str]:
        """End a pass that saw every page: the names that were not seen are gone (a partial pass
        removes nothing)."""
        seen, self._seen = self._seen, None
        self.passes += 1
        if self._partial:
            self.since_full += 1
            return []
        self.complete = True
        self.full_pages = pages
        self.since_full = 0
        if seen is None:
            return []
        gone = [name for name in self.summaries if name not in seen]
        for name in gone:
            del self.summaries[name]
        return gone

    def abort(self) -> None:
        self._seen = None


class DescribeCache:
    """Describe responses by name, valid while the summary's LastModifiedTime and status are unchanged.

    In-progress resources are described again once ``max_age`` seconds have passed (their counts and
    secondary status move without always touching LastModifiedTime)."""

    def __init__(self, kind: ResourceKind, max_age: float = 30.0) -> None:
        self.kind = kind
        self.max_age = max_age
        self._entries: dict[str, tuple[Any, str, float, dict[str, Any]]] = {}

    def __contains__(self, name: str) -> bool:
        return name in self._entries

    def get(self, name: str) -> dict[str, Any] | None:
        entry = self._entries.get(name)
        return entry[3] if entry else None

    def put(self, name: str, summary: Mapping[str, Any], describe: dict[str, Any], at: float) -> None:
        self._entries[name] = (summary.get("LastModifiedTime"), self.kind.status_of(summary), at, describe)

    def fresh(self, name: str, summary: Mapping[str, Any], at: float) -> bool:
        entry = self._entries.get(name)
        if entry is None:
            return False
        modified, status, when, _ = entry
        if modified != summary.get("LastModifiedTime") or status != self.kind.status_of(summary):
            return False
        return not (self.kind.is_in_progress(status) and at - when > self.max_age)

    def drop(self, names: Iterable[str]) -> None:
        for name in names:
            self._entries.pop(name, None)

    def clear(self) -> None:
        self._entries.clear()


# ---------------------------------------------------------------------------------------------- times


def as_aware(value: Any) -> dt.datetime | None:
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, (int, float)):
        return dt.datetime.fromtimestamp(value, UTC)
    if isinstance(value, str) and value:
        try:
            return as_aware(dt.datetime.fromisoformat(value.replace("Z", "+00:00")))
        except ValueError:
            return None
    return None


def iso(value: Any) -> str:
    """ISO 8601 in UTC, to the second: ``2026-11-27T10:04:05Z``."""
    when = as_aware(value)
    if when is None:
        return ""
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def span(seconds: float | None) -> str:
    """A compact duration: ``45s``, ``12m``, ``3h04m``, ``2d05h``."""
    if seconds is None:
        return ""
    s = max(0, int(seconds))
    if s < 60:
        return f"{s}s"
    m, s = divmod(s, 60)
    if m < 60:
        return f"{m}m{s:02d}s" if m < 10 else f"{m}m"
    h, m = divmod(m, 60)
    if h < 24:
        return f"{h}h{m:02d}m"
    d, h = divmod(h, 24)
    return f"{d}d{h:02d}h"


def ago(value: Any, now: dt.datetime | None = None) -> str:
    """``3m ago`` for a past time (``in 5s`` for clock skew into the future)."""
    when = as_aware(value)
    if when is None:
        return ""
    delta = ((now or utcnow()) - when).total_seconds()
    if delta < -1:
        return f"in {span(-delta)}"
    return f"{span(delta)} ago"


def age(value: Any, now: dt.datetime | None = None) -> str:
    """Like :func:`ago` without the word, for narrow columns (``3m``, ``2d05h``)."""
    when = as_aware(value)
    if when is None:
        return ""
    return span(max(0.0, ((now or utcnow()) - when).total_seconds()))


def duration(start: Any, end: Any, now: dt.datetime | None = None) -> float | None:
    """Seconds from ``start`` to ``end`` (or to now while it runs)."""
    a = as_aware(start)
    if a is None:
        return None
    b = as_aware(end) or (now or utcnow())
    return max(0.0, (b - a).total_seconds())


def short_reason(reason: str, limit: int = 80) -> str:
    """The first sentence/line of a failure reason, for a table cell."""
    first = reason.strip().splitlines()[0] if reason.strip() else ""
    return first if len(first) <= limit else first[: limit - 1] + "…"

"""CloudTrail for smtui: who did what, by ``sourceIdentity``.

When Studio users share one execution role, CloudTrail names only the role; the user profile is the
``sourceIdentity`` (``userIdentity.sessionContext.sourceIdentity`` of every call made with the session, and
``requestParameters.sourceIdentity`` of the AssumeRole* that set it).

- :mod:`.events`: the row (:class:`TrailEvent`) every path produces, and its display helpers;
- :mod:`.parse`: one record (LookupEvents item, record JSON, rebuilt Lake row) into a row; never raises;
- :mod:`.lookup`: the LookupEvents scan (:func:`scan`) and a resource's history;
- :mod:`.filters`: client-side filters, hiding smtui's own calls, per-identity summaries, lifecycles;
- :mod:`.queries`: one description of the server-side filters and the Lake SQL / Logs Insights builders;
- :mod:`.server`: running those queries and reading their rows;
- :mod:`.export`: events and summaries as JSON, CSV, TSV or Markdown, with the query at the top.

The time grammar (``24h``, ``7d``, ISO times) is :mod:`smtui.aws.timegrammar`, shared with the logs.
This package re-exports the names its callers use. No Textual, and no aiobotocore at import time.
"""

from smtui.aws.trail.events import (
    ASSUME_ROLE_EVENTS,
    DEFAULT_WINDOW,
    NO_IDENTITY,
    NO_IDENTITY_LABEL,
    RETENTION,
    SAGEMAKER_SOURCE,
    SOURCE_IDENTITY_RE,
    TrailEvent,
    pretty_json,
    shrink,
)
from smtui.aws.trail.filters import (
    EventFilter,
    IdentityIndex,
    IdentitySummary,
    count_hidden_own,
    filter_events,
    lifecycle,
    lifecycle_line,
    summarize,
)
from smtui.aws.trail.lookup import (
    LOOKUP_ATTRIBUTES,
    MIN_INTERVAL,
    PAGE_SIZE,
    ScanProgress,
    TrailQuery,
    names_resource,
    resource_history,
    scan,
)
from smtui.aws.trail.parse import HUGE_EVENT, IDENTITY_TYPES, parse_event, parse_record
from smtui.aws.trail.queries import LAKE_COLUMNS, ServerFilter, check_identity, insights_query, lake_sql
from smtui.aws.trail.server import QueryFailed, QueryStatus, from_lake_row, insights_events, lake_events

__all__ = [
    "ASSUME_ROLE_EVENTS",
    "DEFAULT_WINDOW",
    "HUGE_EVENT",
    "IDENTITY_TYPES",
    "LAKE_COLUMNS",
    "LOOKUP_ATTRIBUTES",
    "MIN_INTERVAL",
    "NO_IDENTITY",
    "NO_IDENTITY_LABEL",
    "PAGE_SIZE",
    "RETENTION",
    "SAGEMAKER_SOURCE",
    "SOURCE_IDENTITY_RE",
    "EventFilter",
    "IdentityIndex",
    "IdentitySummary",
    "QueryFailed",
    "QueryStatus",
    "ScanProgress",
    "ServerFilter",
    "TrailEvent",
    "TrailQuery",
    "check_identity",
    "count_hidden_own",
    "filter_events",
    "from_lake_row",
    "insights_events",
    "insights_query",
    "lake_events",
    "lake_sql",
    "lifecycle",
    "lifecycle_line",
    "names_resource",
    "parse_event",
    "parse_record",
    "pretty_json",
    "resource_history",
    "scan",
    "shrink",
    "summarize",
]

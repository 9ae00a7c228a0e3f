"""Filling in what a list summary lacks (instance type and count, variants, failure reason) with Describe calls,
made only for the rows a pane shows, a few at a time, in the listing's idle time, cached by the pane.

While a ``/`` filter is on, rows it hides but cannot judge yet (never described: their instances and reason are
unknown) are described too, a few at a time, so that a filter on those columns finds them.
"""

from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING, Any, cast

from smtui.aws.errors import AwsError
from smtui.screens.rows import aws_api_name
from smtui.shell import shell

if TYPE_CHECKING:  # pragma: no cover
    from textual.dom import DOMNode
    from textual.worker import Worker

    from smtui.screens.pane_status import PaneView

#: describe at most this many rows at once for the list (the rest wait their turn)
DESCRIBE_CONCURRENCY = 4
#: a row whose Describe failed (AccessDenied, throttled through every retry) is asked for again after this
RETRY_FAILED_AFTER = 60.0


class RowDescriber:
    """One long-lived worker (on the pane, so its failures are the pane's) drains the wanted rows; scrolling
    replaces them (rows scrolled away are not described) without cancelling calls already on the wire."""

    def __init__(self, pane: PaneView) -> None:
        self.pane = pane
        self.pending: list[str] = []
        self.in_flight: set[str] = set()
        self.failed: dict[str, float] = {}
        self._worker: Worker[Any] | None = None

    def forget(self) -> None:
        """Drop what was wanted (the pane reloads, or showed a failure)."""
        self.pending = []
        self.in_flight.clear()

    def want(self) -> None:
        """Describe the rows that need it now (not cached, or changed since)."""
        self.pending = todo = self.wanted()
        worker = self._worker
        if todo and (worker is None or worker.is_finished):
            key = self.pane.kind.key
            self._worker = self.pane.run_worker(self._loop, group=f"describe-{key}", name=f"describe {key}")

    def wanted(self) -> list[str]:
        pane = self.pane
        now = time.monotonic()
        wanted = pane.table.visible_keys()
        if pane.table.filter_text:
            unjudged = (n for n in pane.table.keys() if n not in pane.cache and n not in wanted)
            wanted += [n for n, _ in zip(unjudged, range(DESCRIBE_CONCURRENCY * 4), strict=False)]
        todo = []
        for name in wanted:
            summary = pane.listing.summaries.get(name)
            if summary is None or name in self.in_flight or pane.cache.fresh(name, summary, now):
                continue
            failed = self.failed.get(name)
            if failed is None or now - failed >= RETRY_FAILED_AFTER:
                todo.append(name)
        return todo

    async def _loop(self) -> None:
        pane = self.pane
        aws = await shell(cast("DOMNode", pane)).get_aws()  # (the pane is a widget)
        kind = pane.kind

        async def one(name: str) -> tuple[str, dict[str, Any]] | None:
            summary = pane.listing.summaries.get(name)
            if summary is None:
                return None
            self.in_flight.add(name)
            try:
                resp = await aws.call("sagemaker", kind.describe_op, **kind.describe_params(name, summary))
            except AwsError:
                self.failed[name] = time.monotonic()
                return None
            finally:
                self.in_flight.discard(name)
            resp.pop("ResponseMetadata", None)
            current = pane.listing.summaries.get(name, summary)
            row = kind.row_values(current, resp)  # an answer that cannot be read fails here, never cached
            pane.cache.put(name, summary, resp, time.monotonic())
            return name, row

        list_bucket = f"sagemaker.{aws_api_name(kind.list_op)}"
        while self.pending:
            # The listing comes first: while it pages, describe only in its idle time, when the
            # shared rate limiter holds the next List call back anyway (at AWS's 2 List calls a
            # second that is most of the time; with nothing holding it back, after the listing).
            while pane.busy and pane.pages and not aws.limiter.holding(list_bucket):  # noqa: ASYNC110
                await asyncio.sleep(0.05)  # polled: the limiter's delay is a clock, not an event
            n = 1 if pane.busy else DESCRIBE_CONCURRENCY
            batch, self.pending = self.pending[:n], self.pending[n:]
            results = await asyncio.gather(*(one(name) for name in batch))
            pane.describe_succeeded()
            rows = [r for r in results if r is not None and r[0] in pane.listing.summaries]
            if rows:
                pane.table.upsert(rows)
            if not self.pending and pane.table.filter_text:
                self.pending = self.wanted()  # more hidden rows for the filter to judge

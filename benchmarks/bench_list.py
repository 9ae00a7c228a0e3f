"""Listing 10,000 training jobs: smtui's pane against the bare paging calls and Textual's DataTable.

    AWS_EC2_METADATA_DISABLED=true /work/venv/bin/python benchmarks/bench_list.py [--jobs 10000] [--runs 5]

The sandbox runs in a separate process (so it does not share the GIL with the client), holding
``--jobs`` training jobs inserted straight into its backend. Each run, interleaved:

- bare paging: ListTrainingJobs (MaxResults 100, SortBy/SortOrder) through AwsSession.pages until the
  last page, nothing else;
- smtui: the real app headless (``run_test``, 160x45) on the training pane: time from the first
  ListTrainingJobs call to the first frame showing rows, and to the first frame after the whole
  listing is in (including the Describe calls smtui makes for the rows on screen);
- a keystroke in the ``/`` filter at 10,000 rows: from posting the key to the next composed frame
  (median of several keys per run);
- stock DataTable: ``add_rows`` of the same 10,000 rows x 6 columns in a minimal app, to the next frame.

The client-side rate limiter is off in both smtui and the bare calls (at the real 2 req/s quota both
take 50 s for 100 pages, which would hide everything else); it is on in normal use. Medians printed,
with ratios. Nothing is asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing as mp
import os
import statistics
import sys
import time
from typing import Any

os.environ.setdefault("AWS_EC2_METADATA_DISABLED", "true")
os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")
os.environ.setdefault("AWS_CONFIG_FILE", os.devnull)
os.environ.setdefault("AWS_SHARED_CREDENTIALS_FILE", os.devnull)


# ---------------------------------------------------------------------------------------------- sandbox process


def _serve(jobs: int, queue: Any, stop: Any) -> None:
    from smtui.sandbox import Sandbox
    from smtui.sandbox.fidelity_sagemaker import bulk_training_jobs

    sb = Sandbox(seed="empty", driver=False).start()
    bulk_training_jobs(sb, jobs, "bench-job")
    queue.put(sb.url)
    stop.wait()
    sb.stop()


def _target(url: str) -> Any:
    from smtui.aws.target import AwsTarget
    from smtui.sandbox.server import ADMIN_KEY, ADMIN_SECRET, REGION

    return AwsTarget(region=REGION, endpoint_url=url, access_key=ADMIN_KEY, secret_key=ADMIN_SECRET)


def _session(url: str) -> Any:
    from smtui.aws.ratelimit import RateLimiter
    from smtui.aws.session import AwsSession

    return AwsSession(_target(url), RateLimiter(enabled=False))


# ---------------------------------------------------------------------------------------------- measurements


async def wait_until(condition: Any, step: float = 0.001, limit: float = 120.0) -> None:
    """Poll ``condition`` (frames are recorded by a hook, so there is nothing to await on)."""
    deadline = time.perf_counter() + limit
    while True:
        if condition():
            return
        if time.perf_counter() > deadline:
            raise TimeoutError(f"timed out waiting for {condition}")
        await asyncio.sleep(step)


async def bare_paging(url: str) -> tuple[float, float, int]:
    """(seconds to the first page, seconds to the last page, jobs)."""
    from smtui.aws.resources import TRAINING

    aws = _session(url)
    await aws.client("sagemaker")  # connection set-up is not part of the listing
    n = 0
    t0 = time.perf_counter()
    first = 0.0
    async for page in aws.pages("sagemaker", "list_training_jobs", **TRAINING.list_params()):
        n += len(page.get("TrainingJobSummaries") or [])
        if not first:
            first = time.perf_counter() - t0
    total = time.perf_counter() - t0
    await aws.close()
    return first, total, n


async def smtui_listing(url: str, jobs: int, keys: str) -> dict[str, Any]:
    from smtui.app import SmtuiApp
    from smtui.aws import listing
    from smtui.config import Settings

    marks: dict[str, float] = {}
    frames: list[float] = []
    real_iter = listing.iter_pages

    async def timed_iter(aws: Any, kind: Any, flt: Any = None, max_results: int = 100, **kw: Any) -> Any:
        if kind.key == "training":
            marks.setdefault("t0", time.perf_counter())
        async for summaries in real_iter(aws, kind, flt, max_results, **kw):
            yield summaries
            if kind.key == "training":
                marks.setdefault("first_page", time.perf_counter())

    listing.iter_pages = timed_iter  # type: ignore[assignment]
    aws = _session(url)
    await aws.client("sagemaker")
    app = SmtuiApp(settings=Settings(refresh_interval=3600), target=_target(url), aws=aws)
    real_display = app._display

    def display(screen: Any, renderable: Any) -> None:
        frames.append(time.perf_counter())
        real_display(screen, renderable)

    app._display = display  # type: ignore[method-assign]
    result: dict[str, Any] = {}
    try:
        async with app.run_test(size=(160, 45)) as pilot:
            main = app.screen
            main.action_show_pane("training")
            pane = main.pane("training")
            table = pane.table

            def frame_after(t: float) -> float | None:
                return next((f for f in frames if f >= t), None)

            # first rows visible: the first frame after the first page was put in the table
            await wait_until(lambda: "first_page" in marks and frame_after(marks["first_page"]) is not None)
            result["first_visible"] = frame_after(marks["first_page"]) - marks["t0"]
            await wait_until(lambda: pane.listing.complete and not pane.busy, step=0.002)
            done = time.perf_counter()
            await wait_until(lambda: frame_after(done) is not None)
            result["all_listed"] = frame_after(done) - marks["t0"]
            result["rows"] = len(table)
            result["calls"] = dict(aws.limiter.sent)
            # filter keystrokes at 10,000 rows: key posted -> next composed frame after the filter ran
            await pilot.press("slash")
            await pilot.pause()
            latencies = []
            for ch in keys:
                applied: list[float] = []
                real_set = table.set_filter

                def set_filter(text: str, _real: Any = real_set, _applied: list[float] = applied) -> None:
                    _real(text)
                    _applied.append(time.perf_counter())

                table.set_filter = set_filter  # type: ignore[method-assign]
                t_key = time.perf_counter()
                await pilot.press(ch)
                await wait_until(lambda a=applied: bool(a) and frame_after(a[0]) is not None, step=0.0005)
                latencies.append(frame_after(applied[0]) - t_key)
                table.set_filter = real_set  # type: ignore[method-assign]
                result.setdefault("shown_after", []).append(table.row_count)
            result["filter_keys"] = latencies
    finally:
        listing.iter_pages = real_iter  # type: ignore[assignment]
        await aws.close()
    return result


async def datatable_load(rows: list[tuple[str, ...]]) -> float:
    """Stock DataTable: add 10,000 rows x 6 columns, to the next frame."""
    from textual.app import App, ComposeResult
    from textual.widgets import DataTable

    class Bench(App[None]):
        def compose(self) -> ComposeResult:
            yield DataTable()

    app = Bench()
    frames: list[float] = []
    real_display = app._display

    def display(screen: Any, renderable: Any) -> None:
        frames.append(time.perf_counter())
        real_display(screen, renderable)

    app._display = display  # type: ignore[method-assign]
    async with app.run_test(size=(160, 45)) as pilot:
        table = app.query_one(DataTable)
        table.add_columns("NAME", "STATUS", "CREATED", "DURATION", "INSTANCES", "REASON")
        await pilot.pause()
        t0 = time.perf_counter()
        table.add_rows(rows)
        await wait_until(lambda: any(f >= t0 for f in frames) and table.row_count >= len(rows))
        t_frame = next(f for f in frames if f >= t0)
        # a frame can be composed before the rows were laid out; wait for the one after
        end = time.perf_counter()
        await wait_until(lambda: any(f >= end for f in frames))
        return max(t_frame, next(f for f in frames if f >= end)) - t0


def sample_rows(n: int) -> list[tuple[str, ...]]:
    return [(f"bench-job-{i:05d}", "Completed", f"{i % 59}m", "10m", "ml.m5.xlarge x1", "") for i in range(n)]


# ---------------------------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--jobs", type=int, default=10_000)
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--keys", default="job-0042", help="filter keystrokes typed at full size")
    args = p.parse_args(argv)

    ctx = mp.get_context("spawn")
    queue, stop = ctx.Queue(), ctx.Event()
    proc = ctx.Process(target=_serve, args=(args.jobs, queue, stop), daemon=True)
    proc.start()
    url = queue.get(timeout=120)
    print(f"sandbox {url} (separate process) with {args.jobs:,} training jobs; {args.runs} interleaved runs")
    import aiobotocore.session  # noqa: F401  (import cost is not part of any figure)

    bare_first, bare_all, first_vis, all_listed, keys, tables = [], [], [], [], [], []
    rows = sample_rows(args.jobs)
    try:
        for run in range(args.runs):
            f, t, n = asyncio.run(bare_paging(url))
            bare_first.append(f)
            bare_all.append(t)
            r = asyncio.run(smtui_listing(url, args.jobs, args.keys))
            first_vis.append(r["first_visible"])
            all_listed.append(r["all_listed"])
            keys.extend(r["filter_keys"])
            d = asyncio.run(datatable_load(rows))
            tables.append(d)
            print(
                f"run {run + 1}: bare {t:.2f}s ({n:,} jobs, first page {f * 1000:.0f} ms) | smtui first rows "
                f"{r['first_visible'] * 1000:.0f} ms, all {r['all_listed']:.2f}s ({r['rows']:,} rows) | "
                f"filter key median {statistics.median(r['filter_keys']) * 1000:.1f} ms "
                f"(rows shown {r['shown_after'][-1]}) | DataTable add_rows {d:.2f}s",
                flush=True,
            )
    finally:
        stop.set()
        proc.join(timeout=10)

    med = statistics.median
    print()
    print(f"medians over {args.runs} runs, {args.jobs:,} jobs:")
    print(f"  bare paging calls, first page        {med(bare_first) * 1000:8.0f} ms")
    print(f"  bare paging calls, all pages         {med(bare_all):8.2f} s")
    print(f"  smtui first rows visible             {med(first_vis) * 1000:8.0f} ms")
    print(
        f"  smtui all listed (to the frame)      {med(all_listed):8.2f} s   "
        f"ratio to bare paging {med(all_listed) / med(bare_all):.2f}x (target <= 1.2x)"
    )
    print(
        f"  smtui filter keystroke -> frame      {med(keys) * 1000:8.1f} ms  "
        f"(p90 {sorted(keys)[int(len(keys) * 0.9)] * 1000:.1f} ms; target < 100 ms)"
    )
    print(
        f"  stock DataTable add_rows -> frame    {med(tables):8.2f} s   "
        f"(smtui's table holds the same rows as they arrive; DataTable / smtui first rows "
        f"{med(tables) / med(first_vis):.0f}x)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

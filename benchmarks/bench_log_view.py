"""The log view: loading 100,000 lines, key presses while following, and PutLogEvents-to-screen latency.

    AWS_EC2_METADATA_DISABLED=true /work/venv/bin/python benchmarks/bench_log_view.py [--runs 5] [--lines 100000] [--only load|redraw|keys|follow]

- load: time to add ``--lines`` lines of 4 sources (about 100 bytes each, made from the data layer's events,
  in pages of 10,000 as GetLogEvents delivers them) to smtui's LogView (its cap raised to hold them all) and
  draw the first frame, against Textual's stock ``Log.write_lines`` of the same text (with timestamp and
  label); memory above the empty app: the growth of resident memory (the line beginning ``resident``), and
  with tracemalloc (a separate run) the peak and what stays allocated; each measurement in a fresh
  interpreter, interleaved, medians;
- redraw: with ``--lines`` lines held, the time from the action of ``/`` (search submitted, first match),
  ``m`` (matches only), ``s`` (one source of four) and ``t`` (timestamps) to the next frame the app
  composes, each on and off ``--reps`` times (median, p95); and ``ctrl+s`` writing every line to a file;
- keys: while 1,000 new lines a second are added (100 every 100 ms, following) to an empty view and to one
  holding ``--lines`` lines, the time from a key (``t`` timestamps, ``w`` wrap, ``up``/``G`` scroll and
  resume) to the next frame the app composes, with the collector thresholds the ``smtui`` command sets;
- follow: the log screen of a running training job against the sandbox; a line is put with PutLogEvents and
  timed until it is on screen; also the most FilterLogEvents requests sent in any one second.

Nothing is asserted: figures and ratios are printed.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

LOAD = r"""
import asyncio, gc, json, os, sys, time
os.environ["TEXTUAL_ANIMATIONS"] = "none"
kind, n, mode = sys.argv[1], int(sys.argv[2]), sys.argv[3]
import tracemalloc

def rss():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024

from textual.app import App
from textual.widgets import Log
from smtui.widgets.log_view import LogView
from smtui.aws.logs import LogEvent

class A(App):
    def compose(self):
        yield (LogView(id="v", max_lines=max(n, 1000)) if kind == "smtui" else Log(id="v"))

def message(i):
    return f"[algo-{i % 4 + 1}] step {i:07d} loss={1 + (i % 97) / 100:.4f} lr=2.000e-05 throughput=150.0 samples/s"

BATCH = 10_000  # as the data layer delivers them: a GetLogEvents page at a time

async def main():
    app = A()
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.pause()
        view = app.query_one("#v")
        gc.collect()
        base = rss()
        if mode == "mem":
            tracemalloc.start()
        t = time.perf_counter()
        if kind == "smtui":
            view.set_following(True)
        for lo in range(0, n, BATCH):
            hi = min(n, lo + BATCH)
            if kind == "smtui":
                view.add_events([LogEvent(1_795_000_000_000 + i * 10, message(i), f"job/algo-{i % 4 + 1}-1",
                                          f"algo-{i % 4 + 1}") for i in range(lo, hi)])
            else:
                view.write_lines([f"2026-11-28 00:00:00.000 algo-{i % 4 + 1} {message(i)}" for i in range(lo, hi)])
        await pilot.pause()
        elapsed = time.perf_counter() - t
        gc.collect()
        out = {"time": elapsed, "rss": rss() - base, "lines": len(view.lines)}
        if mode == "mem":
            out["current"], out["peak"] = tracemalloc.get_traced_memory()
        print(json.dumps(out))

asyncio.run(main())
"""

REDRAW = r"""
import asyncio, json, os, sys, tempfile, time
os.environ["TEXTUAL_ANIMATIONS"] = "none"
n, reps = int(sys.argv[1]), int(sys.argv[2])
from textual.app import App
from smtui.widgets.log_view import LogView
from smtui.aws.logs import LogEvent

class A(App):
    def compose(self):
        yield LogView(id="v", max_lines=max(n, 1000))

def message(i):
    level = "ERROR" if i % 1000 == 7 else "INFO"
    return f"{level} [algo-{i % 4 + 1}] step {i:07d} loss={1 + (i % 97) / 100:.4f} lr=2.000e-05 throughput=150.0"

async def main():
    app = A()
    frames = []
    async with app.run_test(size=(160, 50)) as pilot:
        view = app.query_one(LogView)
        for lo in range(0, n, 10_000):
            view.add_events([LogEvent(1_795_000_000_000 + i * 10, message(i), f"job/algo-{i % 4 + 1}-1",
                                      f"algo-{i % 4 + 1}") for i in range(lo, min(n, lo + 10_000))])
        view.focus()
        await pilot.pause()
        real = app._display
        def display(*a, **k):
            frames.append(time.perf_counter())
            return real(*a, **k)
        app._display = display

        async def timed(action):
            # from the key's action to the next frame the app composes (what the user waits for)
            await pilot.pause()
            t = time.perf_counter()
            action()
            while (not frames or frames[-1] <= t) and time.perf_counter() - t < 30:
                await asyncio.sleep(0.0005)
            return frames[-1] - t

        def search(on):
            # the screen's "/" submitted: set the search, then step to the first match
            def act():
                view.set_search("error" if on else None)
                if on:
                    view.find(True)
            return act

        ops = {
            "search (/ error, enter)": [search(True), search(False)],
            "matches only (m)": [lambda: view.set_matches_only(True), lambda: view.set_matches_only(False)],
            "sources (s: algo-2 only)": [lambda: view.set_sources({"algo-2"}), lambda: view.set_sources(None)],
            "timestamps (t)": [lambda: view.set_timestamps("off"), lambda: view.set_timestamps("utc")],
        }
        out = {}
        view.set_search("error")  # matches only needs a search; measured with it in place
        view.find(True)
        await pilot.pause()
        for name, (on, off) in ops.items():
            if name.startswith("search"):
                view.set_search(None)
            lat = []
            for _ in range(reps):
                lat.append(await timed(on))
                lat.append(await timed(off))
            out[name] = lat
            if name.startswith("search"):
                view.set_search("error")
                view.find(True)
        view.set_search(None)
        await pilot.pause()
        saves = []
        with tempfile.TemporaryDirectory() as d:
            for k in range(3):
                path = os.path.join(d, f"save{k}.log")
                t = time.perf_counter()
                written = view.save(path)
                saves.append(time.perf_counter() - t)
            size = os.path.getsize(path)
        out["save"] = saves
        out["saved_lines"] = written
        out["saved_mb"] = size / 1e6
        print(json.dumps(out))

asyncio.run(main())
"""

KEYS = r"""
import asyncio, gc, json, os, sys, time
os.environ["TEXTUAL_ANIMATIONS"] = "none"
from smtui.cli import GC_THRESHOLDS
gc.set_threshold(*GC_THRESHOLDS)  # as the smtui command sets them for its process (and soak.py does)
from textual.app import App
from textual.binding import Binding
from smtui.widgets.log_view import LogView
from smtui.aws.logs import LogEvent

rate, preload = int(sys.argv[1]), int(sys.argv[2])

class A(App):
    BINDINGS = [Binding("t", "ts"), Binding("w", "wrap")]
    def compose(self):
        yield LogView(id="v", max_lines=max(preload, 1000))
    def action_ts(self):
        v = self.query_one(LogView)
        v.set_timestamps("off" if v.timestamps == "utc" else "utc")
    def action_wrap(self):
        v = self.query_one(LogView)
        v.set_wrap(not v.wrap)

def message(i):
    return f"[algo-{i % 4 + 1}] step {i} loss=1.23 lr=2e-05 throughput=150.0 samples/s mem=60.0GB"

async def main():
    app = A()
    frames = []
    async with app.run_test(size=(160, 50)) as pilot:
        real = app._display
        def display(*a, **k):
            frames.append(time.perf_counter())
            return real(*a, **k)
        app._display = display
        view = app.query_one(LogView)
        view.focus()
        n = 0
        for lo in range(0, preload, 10_000):  # the view already holds `preload` lines (the cap: oldest dropped)
            hi = min(preload, lo + 10_000)
            view.add_events([LogEvent(1_795_000_000_000 + i * 2, message(i), "s", f"algo-{i % 4 + 1}")
                             for i in range(lo, hi)])
        n = preload
        view.set_following(True)
        await pilot.pause()
        stop = False
        async def feed():
            nonlocal n
            while not stop:
                batch = [LogEvent(1_795_000_000_000 + (n + i) * 2, message(n + i), "s", f"algo-{(n + i) % 4 + 1}")
                         for i in range(rate // 10)]
                n += len(batch)
                view.add_events(batch)
                await asyncio.sleep(0.1)
        task = asyncio.create_task(feed())
        await asyncio.sleep(1.0)
        lat = []
        for key in ["t", "w", "up", "G"] * 10:
            t = time.perf_counter()
            app.simulate_key(key)
            while (not frames or frames[-1] <= t) and time.perf_counter() - t < 5:
                await asyncio.sleep(0.001)
            lat.append(frames[-1] - t if frames and frames[-1] > t else 5.0)
            await asyncio.sleep(0.05)
        stop = True
        await task
        print(json.dumps({"latencies": lat, "lines": len(view.lines), "fed": n - preload}))

asyncio.run(main())
"""


def run_json(code: str, *args: str) -> dict:
    env = dict(os.environ, AWS_EC2_METADATA_DISABLED="true", TEXTUAL_ANIMATIONS="none")
    out = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, env=env)
    if out.returncode != 0:
        raise RuntimeError(out.stderr[-3000:])
    return json.loads(out.stdout.strip().splitlines()[-1])


async def follow_latency(samples: int) -> dict:
    import random

    from smtui.app import SmtuiApp
    from smtui.aws.resources import TRAINING
    from smtui.sandbox import Sandbox
    from smtui.screens.logs import LogScreen

    sb = Sandbox(seed="empty", driver=False).start()
    try:
        sm = sb.boto3_client("sagemaker")
        logs = sb.boto3_client("logs")
        job = "bench-follow"
        sm.create_training_job(
            TrainingJobName=job,
            AlgorithmSpecification={
                "TrainingImage": "683313688378.dkr.ecr.us-east-1.amazonaws.com/x:1",
                "TrainingInputMode": "File",
            },
            RoleArn="arn:aws:iam::123456789012:role/SageMakerExecutionRole",
            OutputDataConfig={"S3OutputPath": "s3://bucket/out/"},
            ResourceConfig={"InstanceType": "ml.m5.xlarge", "InstanceCount": 1, "VolumeSizeInGB": 30},
            StoppingCondition={"MaxRuntimeInSeconds": 3600},
        )
        group, stream = "/aws/sagemaker/TrainingJobs", f"{job}/algo-1-1795000000"
        logs.create_log_group(logGroupName=group)
        logs.create_log_stream(logGroupName=group, logStreamName=stream)
        logs.put_log_events(
            logGroupName=group,
            logStreamName=stream,
            logEvents=[{"timestamp": int(time.time() * 1000) - 1000, "message": "started"}],
        )
        app = SmtuiApp(sandbox=sb)
        lat: list[float] = []
        async with app.run_test(size=(140, 40)) as pilot:
            aws = await app.get_aws()
            screen = LogScreen(
                TRAINING,
                job,
                describe={"TrainingJobStatus": "InProgress", "ResourceConfig": {"InstanceCount": 1}},
            )
            await app.push_screen(screen)
            while not screen.view.lines or screen.busy:
                await pilot.pause(0.05)
            frames: list[float] = []
            real = app._display

            def display(*a, **k):
                frames.append(time.perf_counter())
                return real(*a, **k)

            app._display = display
            for i in range(samples):
                await asyncio_sleep(random.uniform(0.2, 1.2))
                msg = f"followed line {i}"
                t = time.perf_counter()
                logs.put_log_events(
                    logGroupName=group,
                    logStreamName=stream,
                    logEvents=[{"timestamp": int(time.time() * 1000), "message": msg}],
                )
                while not (
                    screen.view.lines and screen.view.lines[-1].text == msg and frames and frames[-1] > t
                ):
                    await asyncio_sleep(0.005)
                seen = max(t, frames[-1])
                lat.append(seen - t)
            fle = aws.limiter.max_per_second("logs.FilterLogEvents")
        return {
            "latencies": lat,
            "filter_max_per_s": fle,
            "sandbox_filter_max_per_s": sb.max_per_second("logs", "FilterLogEvents"),
        }
    finally:
        sb.stop()


async def asyncio_sleep(s: float) -> None:
    import asyncio

    await asyncio.sleep(s)


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--lines", type=int, default=100_000)
    p.add_argument("--reps", type=int, default=10, help="each redraw is timed 2 x REPS times (on, off)")
    p.add_argument("--follow-samples", type=int, default=12)
    p.add_argument(
        "--only",
        choices=("load", "redraw", "keys", "follow"),
        action="append",
        help="run only these parts (repeatable; default all)",
    )
    p.add_argument("--no-stock", action="store_true", help="leave out Textual's Log in the load")
    args = p.parse_args()
    parts = set(args.only or ("load", "redraw", "keys", "follow"))
    kinds = ("smtui",) if args.no_stock else ("smtui", "stock")

    if "load" in parts:
        res: dict[str, list[dict]] = {k: [] for k in kinds}
        mem: dict[str, list[dict]] = {k: [] for k in kinds}
        for r in range(args.runs):
            for kind in kinds:
                res[kind].append(run_json(LOAD, kind, str(args.lines), "time"))
                mem[kind].append(run_json(LOAD, kind, str(args.lines), "mem"))
            print(
                f"  load run {r + 1}: "
                + ", ".join(
                    f"{k} {res[k][-1]['time']:.2f}s +{res[k][-1]['rss'] / 1e6:.0f} MB" for k in kinds
                ),
                flush=True,
            )

        def med(kind: str, key: str, src: dict[str, list[dict]]) -> float:
            return statistics.median(x[key] for x in src[kind])

        print(
            f"\nload {args.lines:,} lines in pages of 10,000 (median of {args.runs}, fresh interpreter each, "
            "interleaved):"
        )
        for kind, title in (("smtui", "smtui LogView"), ("stock", "Textual Log")):
            if kind in kinds:
                print(
                    f"  {title:14s} {med(kind, 'time', res):.2f}s   resident +{med(kind, 'rss', res) / 1e6:.0f} MB"
                    f"   tracemalloc peak {med(kind, 'peak', mem) / 1e6:.0f} MB, kept "
                    f"{med(kind, 'current', mem) / 1e6:.0f} MB ({med(kind, 'current', mem) / args.lines:.0f} "
                    f"bytes a line), lines held {res[kind][-1]['lines']:,}"
                )
        if "stock" in kinds:
            print(
                f"  ratio          {med('smtui', 'time', res) / med('stock', 'time', res):.2f}x time, "
                f"{med('smtui', 'rss', res) / max(1, med('stock', 'rss', res)):.2f}x resident memory"
            )
        print(
            f"resident {med('smtui', 'rss', res) / 1e6:.0f} MB above the empty app for {args.lines:,} lines "
            "(target at 1,000,000: < 250 MB with the whole app, in soak.py)"
        )

    if "redraw" in parts:
        red = run_json(REDRAW, str(args.lines), str(args.reps))
        print(
            f"\nredraw at {args.lines:,} lines, from the action to the next frame ({2 * args.reps} each, "
            "on and off alternately; target p95 < 200 ms):"
        )
        for name, lat in red.items():
            if name.startswith("save") or not isinstance(lat, list):
                continue
            print(
                f"  {name:26s} median {statistics.median(lat) * 1000:7.1f} ms   p95 {p95(lat) * 1000:7.1f} ms   "
                f"max {max(lat) * 1000:7.1f} ms"
            )
        print(
            f"save (ctrl+s) {red['saved_lines']:,} lines ({red['saved_mb']:.0f} MB): median of 3 "
            f"{statistics.median(red['save']):.2f}s (target < 3 s)"
        )

    if "keys" in parts:
        for preload in sorted({0, args.lines}):
            keys = run_json(KEYS, "1000", str(preload))
            lat = sorted(keys["latencies"])
            print(
                f"\nkey to frame while following 1,000 lines/s, {preload:,} lines held ({len(lat)} keys t/w/up/G, "
                f"{keys['fed']:,} lines fed):"
            )
            print(
                f"  median {statistics.median(lat) * 1000:.1f} ms, p95 {p95(lat) * 1000:.1f} ms, "
                f"max {lat[-1] * 1000:.1f} ms   (target p95 < 50 ms)"
            )

    if "follow" in parts:
        import asyncio

        fol = asyncio.run(follow_latency(args.follow_samples))
        fl = sorted(fol["latencies"])
        print(
            f"\nfollow latency, PutLogEvents to the line on screen ({len(fl)} lines, polling FilterLogEvents):"
        )
        print(
            f"  median {statistics.median(fl):.2f}s, max {fl[-1]:.2f}s   (target < 1.5 s); FilterLogEvents at "
            f"most {fol['filter_max_per_s']} requests in any second (client), {fol['sandbox_filter_max_per_s']} "
            "(sandbox)   (quota 5/s)"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

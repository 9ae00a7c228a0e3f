"""The log view: loading 100,000 lines, key presses while following, and PutLogEvents-to-screen latency.

    AWS_EC2_METADATA_DISABLED=true /work/venv/bin/python benchmarks/bench_log_view.py [--runs 5] [--lines 100000]

- load: time to add 100,000 lines of 4 sources (about 100 bytes each, made from the data layer's events) to
  smtui's LogView and draw the first frame, against Textual's stock ``Log.write_lines`` of the same text
  (with timestamp and label); memory above the empty app, counting the input (events or strings): the growth
  of resident memory, and with tracemalloc (a separate run) the peak and what stays allocated; each
  measurement in a fresh interpreter, interleaved, medians;
- keys: while 1,000 new lines a second are added (100 every 100 ms, following), the time from a key
  (``t`` timestamps, ``w`` wrap, ``up``/``G`` scroll and resume) to the next frame the app composes;
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
        yield (LogView(id="v") if kind == "smtui" else Log(id="v"))

msgs = [f"[algo-{i % 4 + 1}] step {i:07d} loss={1 + (i % 97) / 100:.4f} lr=2.000e-05 throughput=150.0 samples/s"
        for i in range(n)]

async def main():
    app = A()
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.pause()
        view = app.query_one("#v")
        gc.collect()
        base = rss()
        if mode == "mem":
            tracemalloc.start()
        if kind == "smtui":
            data = [LogEvent(1_795_000_000_000 + i * 10, m, f"job/algo-{i % 4 + 1}-1", f"algo-{i % 4 + 1}")
                    for i, m in enumerate(msgs)]
        else:
            data = [f"2026-11-28 00:00:00.000 algo-{i % 4 + 1} {m}" for i, m in enumerate(msgs)]
        t = time.perf_counter()
        if kind == "smtui":
            view.set_following(True)
            view.add_events(data)
        else:
            view.write_lines(data)
        await pilot.pause()
        elapsed = time.perf_counter() - t
        del data
        gc.collect()
        out = {"time": elapsed, "rss": rss() - base, "lines": len(view.lines)}
        if mode == "mem":
            out["current"], out["peak"] = tracemalloc.get_traced_memory()
        print(json.dumps(out))

asyncio.run(main())
"""

KEYS = r"""
import asyncio, json, os, sys, time
os.environ["TEXTUAL_ANIMATIONS"] = "none"
from textual.app import App
from textual.binding import Binding
from smtui.widgets.log_view import LogView
from smtui.aws.logs import LogEvent

rate = int(sys.argv[1])

class A(App):
    BINDINGS = [Binding("t", "ts"), Binding("w", "wrap")]
    def compose(self):
        yield LogView(id="v")
    def action_ts(self):
        v = self.query_one(LogView)
        v.set_timestamps("off" if v.timestamps == "utc" else "utc")
    def action_wrap(self):
        v = self.query_one(LogView)
        v.set_wrap(not v.wrap)

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
        view.set_following(True)
        n = 0
        stop = False
        async def feed():
            nonlocal n
            while not stop:
                batch = [LogEvent(1_795_000_000_000 + (n + i) * 2, f"[algo-{(n + i) % 4 + 1}] step {n + i} loss=1.23 "
                                  "lr=2e-05 throughput=150.0 samples/s mem=60.0GB", "s", f"algo-{(n + i) % 4 + 1}")
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
        print(json.dumps({"latencies": lat, "lines": len(view.lines), "fed": n}))

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


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--lines", type=int, default=100_000)
    p.add_argument("--follow-samples", type=int, default=12)
    args = p.parse_args()

    res: dict[str, list[dict]] = {"smtui": [], "stock": []}
    mem: dict[str, list[dict]] = {"smtui": [], "stock": []}
    for r in range(args.runs):
        for kind in ("smtui", "stock"):
            res[kind].append(run_json(LOAD, kind, str(args.lines), "time"))
            mem[kind].append(run_json(LOAD, kind, str(args.lines), "mem"))
        print(
            f"  load run {r + 1}: smtui {res['smtui'][-1]['time']:.2f}s, stock Log {res['stock'][-1]['time']:.2f}s",
            flush=True,
        )

    def med(kind: str, key: str, src: dict[str, list[dict]]) -> float:
        return statistics.median(x[key] for x in src[kind])

    print(f"\nload {args.lines:,} lines (median of {args.runs}, fresh interpreter each, interleaved):")
    for kind, title in (("smtui", "smtui LogView"), ("stock", "Textual Log")):
        print(
            f"  {title:14s} {med(kind, 'time', res):.2f}s   resident +{med(kind, 'rss', res) / 1e6:.0f} MB   "
            f"tracemalloc peak {med(kind, 'peak', mem) / 1e6:.0f} MB, kept {med(kind, 'current', mem) / 1e6:.0f} MB"
        )
    print(
        f"  ratio          {med('smtui', 'time', res) / med('stock', 'time', res):.2f}x time, "
        f"{med('smtui', 'rss', res) / max(1, med('stock', 'rss', res)):.2f}x resident memory   "
        "(targets: < 1 s and < 60 MB above the empty app)"
    )

    keys = run_json(KEYS, "1000")
    lat = sorted(keys["latencies"])
    print(f"\nkey to frame while following 1,000 lines/s ({len(lat)} keys, {keys['fed']:,} lines fed):")
    print(
        f"  median {statistics.median(lat) * 1000:.1f} ms, p90 {lat[int(len(lat) * 0.9)] * 1000:.1f} ms, "
        f"max {lat[-1] * 1000:.1f} ms   (target < 50 ms)"
    )

    import asyncio

    fol = asyncio.run(follow_latency(args.follow_samples))
    fl = sorted(fol["latencies"])
    print(f"\nfollow latency, PutLogEvents to the line on screen ({len(fl)} lines, polling FilterLogEvents):")
    print(
        f"  median {statistics.median(fl):.2f}s, max {fl[-1]:.2f}s   (target < 1.5 s); FilterLogEvents at most "
        f"{fol['filter_max_per_s']} requests in any second (client), {fol['sandbox_filter_max_per_s']} (sandbox)"
        "   (quota 5/s)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Soak: smtui under load for a while, printing key-press-to-frame latency and memory over time.

    python benchmarks/soak.py [--duration 60] [--line-cap 20000] [--hour] [--history N]

The sandbox runs in a child process (as AWS would be elsewhere) holding, all at once:
10,000 training jobs, 50 InService endpoints, 5,000 CloudTrail events in the last 24 hours, and a
4-instance training job writing 1,000 log lines per second (250 a second on each of its streams).

smtui (the real app, ``App.run_test``, in this process) first works the main screen while the training
pane lists the 10,000 jobs and the audit pane scans the 5,000 events (keys: down/up in the table, pane
switches, ``/`` filter keystrokes), then opens the log view of the 4-instance job and follows it for the
rest of the run, with a key every 0.3 s (``t`` timestamps, ``w`` wrap, ``up`` (pause), ``G`` (resume)).
Latency is measured from posting the key to the next frame the app composes (a hook on ``App._display``).
RSS is sampled every second. The log view keeps at most ``--line-cap`` lines (the app's setting
``log_line_cap``; default 1,000,000): with the cap reached, memory must stay flat.

``--history N``: the job has already written N lines (over the last two hours) when the log view opens; it
loads them newest first, up to the cap, then follows (``--line-cap 1000000 --history 1000000``: a million
lines held, the issue's target).

``--hour`` also feeds the log view an hour of following (3.6 million lines at 1,000 a second) in the
time the run lasts, on top of the live lines, to show the plateau holds for an hour's worth of lines.

The collector runs with the thresholds the ``smtui`` command sets (``smtui.cli.GC_THRESHOLDS``);
``--python-gc`` keeps Python's defaults, to compare. Full (oldest-generation) collections are counted.

Nothing is asserted: the figures are printed (target: key to frame p95 < 100 ms, RSS flat once the cap
is reached).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing as mp
import os
import statistics
import sys
import time
from typing import Any

JOB = "soak-llm-4x"
JOBS = 10_000
ENDPOINTS = 50
TRAIL_EVENTS = 5_000
LINES_PER_SECOND = 1_000
INSTANCES = 4


# ---------------------------------------------------------------------------------------------- the sandbox process


def _sandbox(queue: Any, stop: Any, history: int = 0) -> None:
    import datetime as dt
    import random
    import threading

    os.environ.setdefault("AWS_EC2_METADATA_DISABLED", "true")
    from moto.logs.models import logs_backends

    from smtui.sandbox import Sandbox
    from smtui.sandbox import fidelity_sagemaker as fsm
    from smtui.sandbox.server import ACCOUNT_ID

    sb = Sandbox(seed="empty", driver=False).start()
    t0 = time.perf_counter()
    fsm.bulk_training_jobs(sb, JOBS - 1, "soak-job")
    sm = sb.boto3_client("sagemaker")
    role = f"arn:aws:iam::{ACCOUNT_ID}:role/SageMakerExecutionRole"
    image = "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1"
    sm.create_training_job(
        TrainingJobName=JOB,
        AlgorithmSpecification={"TrainingImage": image, "TrainingInputMode": "File"},
        RoleArn=role,
        OutputDataConfig={"S3OutputPath": "s3://b/out/"},
        ResourceConfig={"InstanceType": "ml.p4d.24xlarge", "InstanceCount": INSTANCES, "VolumeSizeInGB": 100},
        StoppingCondition={"MaxRuntimeInSeconds": 86400},
    )
    fsm.set_status(
        "training",
        JOB,
        "InProgress",
        SecondaryStatus="Training",
        CreationTime=dt.datetime.now(dt.UTC) + dt.timedelta(seconds=5),
    )  # newest: first row
    sm.create_model(ModelName="soak-model", ExecutionRoleArn=role, PrimaryContainer={"Image": image})
    sm.create_endpoint_config(
        EndpointConfigName="soak-config",
        ProductionVariants=[
            {
                "VariantName": "variant-a",
                "ModelName": "soak-model",
                "InstanceType": "ml.m5.large",
                "InitialInstanceCount": 2,
            }
        ],
    )
    for i in range(ENDPOINTS):
        sm.create_endpoint(EndpointName=f"soak-ep-{i:02d}", EndpointConfigName="soak-config")
        fsm.set_status("endpoint", f"soak-ep-{i:02d}", "InService")
    rng = random.Random(7)
    now = dt.datetime.now(dt.UTC)
    people = ["alice", "bob", "carol", "dave", None]
    names = [
        "CreateTrainingJob",
        "DescribeTrainingJob",
        "StopTrainingJob",
        "CreateEndpoint",
        "ListTrainingJobs",
    ]
    have = len(sb.recorder.events)
    for i in range(max(0, TRAIL_EVENTS - have)):
        who = rng.choice(people)
        ctx = {"sourceIdentity": who} if who else {}
        sb.recorder.add(
            {
                "eventVersion": "1.09",
                "eventSource": "sagemaker.amazonaws.com",
                "eventName": rng.choice(names),
                "eventTime": (now - dt.timedelta(seconds=rng.uniform(60, 86_000))).strftime(
                    "%Y-%m-%dT%H:%M:%SZ"
                ),
                "awsRegion": sb.region,
                "sourceIPAddress": f"10.0.0.{rng.randint(1, 250)}",
                "userAgent": "Boto3/1.35",
                "readOnly": False,
                "eventType": "AwsApiCall",
                "userIdentity": {
                    "type": "AssumedRole",
                    "arn": f"arn:aws:sts::{ACCOUNT_ID}:assumed-role/Exec/{who}",
                    "sessionContext": ctx,
                },
                "requestParameters": {"trainingJobName": f"soak-job-{i % JOBS:05d}"},
                "resources": [
                    {"ResourceType": "AWS::SageMaker::TrainingJob", "ResourceName": f"soak-job-{i:05d}"}
                ],
            }
        )
    group = "/aws/sagemaker/TrainingJobs"
    logs = sb.boto3_client("logs")
    logs.create_log_group(logGroupName=group)
    epoch = int(time.time())
    streams = [f"{JOB}/algo-{h}-{epoch}" for h in range(1, INSTANCES + 1)]
    for s in streams:
        logs.create_log_stream(logGroupName=group, logStreamName=s)
    backend = logs_backends[ACCOUNT_ID][sb.region]
    written = [0]
    if history:  # what the job wrote before smtui looks: `history` lines over the last two hours
        now_ms = int(time.time() * 1000) - 1000
        per = history // INSTANCES
        span = 7_200_000
        for h, s in enumerate(streams, 1):
            for lo in range(0, per, 10_000):
                backend.put_log_events(
                    group,
                    s,
                    [
                        {
                            "timestamp": now_ms - span + (i * span) // per,
                            "message": f"[algo-{h}] step {i} loss={rng.random():.4f} lr=2e-05 "
                            "throughput=151.2 samples/s mem=61.3GB",
                        }
                        for i in range(lo, min(per, lo + 10_000))
                    ],
                )
        written[0] += per * INSTANCES

    def write() -> None:  # 1,000 lines a second, in 10 batches, straight into the backend
        step = 0
        per_batch = LINES_PER_SECOND // 10 // INSTANCES
        next_at = time.monotonic()
        while not stop.is_set():
            ts = int(time.time() * 1000)
            for h, s in enumerate(streams, 1):
                backend.put_log_events(
                    group,
                    s,
                    [
                        {
                            "timestamp": ts,
                            "message": f"[algo-{h}] step {step + k} loss={rng.random():.4f} lr=2e-05 "
                            f"throughput=151.2 samples/s mem=61.3GB",
                        }
                        for k in range(per_batch)
                    ],
                )
            step += per_batch
            written[0] += per_batch * INSTANCES
            next_at += 0.1
            time.sleep(max(0.0, next_at - time.monotonic()))

    writer = threading.Thread(target=write, daemon=True)
    writer.start()
    queue.put({"url": sb.url, "seeded_s": round(time.perf_counter() - t0, 1)})
    stop.wait()
    summary: dict[str, Any] = {"lines_written": written[0], "requests": {}}
    for key in sorted({(r.service, r.operation) for r in list(sb.requests)}):
        summary["requests"][".".join(key)] = {
            "count": sb.count(*key),
            "max_per_s": sb.max_per_second(*key, include_throttled=True),
        }
    queue.put(summary)
    sb.stop()


# ---------------------------------------------------------------------------------------------- measuring


async def poll(condition: Any, limit: float = 60.0, step: float = 0.05) -> bool:
    """Wait until ``condition()`` holds (True) or ``limit`` seconds pass (False)."""
    deadline = time.perf_counter() + limit
    while True:
        if condition():
            return True
        if time.perf_counter() > deadline:
            return False
        await asyncio.sleep(step)


def rss_mb() -> float:
    with open("/proc/self/statm") as f:
        pages = int(f.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 1e6


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


async def run(url: str, duration: float, line_cap: int, hour: bool, history: int = 0) -> dict[str, Any]:
    import gc

    from smtui.app import SmtuiApp
    from smtui.aws.logs import LogEvent
    from smtui.aws.resources import BY_KEY
    from smtui.aws.target import AwsTarget
    from smtui.config import Settings
    from smtui.sandbox.server import ADMIN_KEY, ADMIN_SECRET, REGION
    from smtui.screens.logs import LogScreen

    frames: list[float] = []
    app = SmtuiApp(
        settings=Settings(log_line_cap=line_cap),
        target=AwsTarget(region=REGION, endpoint_url=url, access_key=ADMIN_KEY, secret_key=ADMIN_SECRET),
    )
    real_display = app._display

    def display(screen: Any, renderable: Any) -> None:
        frames.append(time.perf_counter())
        real_display(screen, renderable)

    app._display = display  # type: ignore[method-assign]
    latencies: dict[str, list[float]] = {"main": [], "logs": []}
    slowest: dict[str, list[tuple[float, str, float]]] = {"main": [], "logs": []}  # (latency, key, at)
    samples: list[tuple[float, float, int, int]] = []  # (t, rss MB, lines kept, lines dropped)
    out: dict[str, Any] = {}

    async def key(phase: str, k: str) -> None:
        t = time.perf_counter()
        app.simulate_key(k)
        await poll(lambda: frames and frames[-1] > t, 5.0, 0.001)
        latencies[phase].append((frames[-1] - t) if frames and frames[-1] > t else 5.0)
        slowest[phase] = sorted(slowest[phase] + [(latencies[phase][-1], k, t - start)], reverse=True)[:5]

    async with app.run_test(size=(160, 45)) as pilot:
        start = time.perf_counter()
        main = app.screen
        screen: Any = None

        async def sampler() -> None:
            while True:
                view = screen.view if screen is not None else None
                samples.append(
                    (
                        time.perf_counter() - start,
                        rss_mb(),
                        len(view.lines) if view else 0,
                        view.dropped if view else 0,
                    )
                )
                await asyncio.sleep(1.0)

        sampling = asyncio.create_task(sampler())
        # the empty app: started, its landing pane (the 50 endpoints) listed, before the hidden panes warm
        # at 3 s; Textual, botocore and the SageMaker model are loaded by now (the first sample, taken as
        # run_test enters, is the process before any of that)
        endpoints = main.pane("endpoint")
        await poll(lambda: endpoints.listing.complete and len(endpoints.table) >= ENDPOINTS, 30.0, 0.01)
        gc.collect()
        out["rss_started_mb"] = rss_mb()
        await pilot.press("2")
        training = main.pane("training")
        t_list = time.perf_counter()
        await poll(lambda: len(training.table) >= 100, 60.0, 0.01)
        out["first_rows_s"] = round(time.perf_counter() - t_list, 2)

        async def listed() -> None:  # ListTrainingJobs pages at its 2 requests/s quota: 100 pages
            await poll(lambda: training.listing.complete and len(training.table) >= JOBS, 3600.0, 0.1)
            out["listed_s"] = round(time.perf_counter() - t_list, 2)

        listing_done = asyncio.create_task(listed())
        main_phase = max(5.0, duration * 0.2)
        await pilot.press("5")  # the audit scan of 5,000 events runs on in the background
        await pilot.press("2")
        audit = main.query_one("#audit")
        seq = ["down", "down", "down", "up", "1", "2", "down", "3", "2", "up"]
        i = 0
        while time.perf_counter() - start < main_phase:
            await key("main", seq[i % len(seq)])
            i += 1
            await asyncio.sleep(0.25)
        await key("main", "slash")  # the filter, typed at 10,000 rows (each keystroke filters them again)
        for ch in "soak-job-0":
            await key("main", ch)
        await key("main", "enter")
        await key("main", "escape")  # clears it: all 10,000 rows again

        gc.collect()
        out["rss_before_logs_mb"] = rss_mb()
        screen = LogScreen(BY_KEY["training"], JOB)
        await app.push_screen(screen)
        t_open = time.perf_counter()
        await poll(lambda: screen.view.lines, 60.0)
        out["log_first_lines_s"] = round(time.perf_counter() - t_open, 2)
        await poll(lambda: not screen.busy, 600.0)
        out["log_loaded_s"] = round(time.perf_counter() - t_open, 2)
        out["log_loaded_lines"] = len(screen.view.lines)
        feeder = None
        fed = [0]
        if hour:  # an hour of following, compressed into the rest of the run, on top of the live lines

            async def feed() -> None:
                target = 3_600 * LINES_PER_SECOND
                while fed[0] < target:
                    # what is left, spread over what is left of the run (ticks come slower under load)
                    remaining = max(0.5, duration - 1.0 - (time.perf_counter() - start))
                    per_tick = max(1, min(10_000, int((target - fed[0]) / (remaining * 10))))
                    now = int(time.time() * 1000)  # appended at the bottom, like followed lines
                    batch = [
                        LogEvent(
                            now,
                            f"[algo-{k % 4 + 1}] replayed step {fed[0] + k} loss=0.1234",
                            f"{JOB}/algo-{k % 4 + 1}",
                            f"algo-{k % 4 + 1}",
                        )
                        for k in range(per_tick)
                    ]
                    fed[0] += per_tick
                    screen.view.add_events(batch)
                    await asyncio.sleep(0.1)

            feeder = asyncio.create_task(feed())
        keys = ["t", "w", "up", "G"]
        i = 0
        while time.perf_counter() - start < duration:
            await key("logs", keys[i % len(keys)])
            i += 1
            await asyncio.sleep(0.3)
        if feeder is not None:
            feeder.cancel()
        listing_done.cancel()
        out["listed_rows"] = len(training.table)
        sampling.cancel()
        out["audit_events"] = len(audit.events)
        # stop a scan still running before leaving, so the figures below are about a finished scan or none
        audit.action_cancel()
        await poll(lambda: not audit.scanning, 30.0)
        out["audit_done"] = bool(audit.progress and audit.progress.done)
        out["lines_kept"] = len(screen.view.lines)
        gc.collect()
        out["rss_end_mb"] = rss_mb()
        out["lines_dropped"] = screen.view.dropped
        out["lines_fed_hour"] = fed[0]
        dedupe = getattr(screen, "_dedupe", None)
        out["dedupe_entries"] = len(dedupe) if dedupe is not None else None
        out["requests_sent"] = dict(app.aws.limiter.sent) if app.aws else {}
        out["throttled"] = dict(app.aws.limiter.throttle_count) if app.aws else {}
    out["latencies"] = latencies
    out["slowest"] = slowest
    out["samples"] = samples
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of soak (default 60)")
    parser.add_argument(
        "--line-cap",
        type=int,
        default=20_000,
        help="the log view's line cap (log_line_cap); small enough to be reached in the run",
    )
    parser.add_argument(
        "--hour", action="store_true", help="also feed an hour's worth of lines (3.6 million)"
    )
    parser.add_argument(
        "--history",
        type=int,
        default=0,
        help="lines the job wrote before the log view opens (loaded newest first, up to the cap)",
    )
    parser.add_argument(
        "--python-gc",
        action="store_true",
        help="keep Python's default collector thresholds instead of the ones smtui sets",
    )
    args = parser.parse_args()
    os.environ.setdefault("AWS_EC2_METADATA_DISABLED", "true")
    os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")
    import gc

    from smtui.cli import GC_THRESHOLDS

    if not args.python_gc:
        gc.set_threshold(*GC_THRESHOLDS)  # as the smtui command sets them for its process
    pauses: dict[int, list[float]] = {0: [], 1: [], 2: []}
    began: list[float] = [0.0]

    def on_gc(phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            began[0] = time.perf_counter()
        else:
            pauses[info["generation"]].append(time.perf_counter() - began[0])

    gc.callbacks.append(on_gc)
    ctx = mp.get_context("spawn")
    queue, stop = ctx.Queue(), ctx.Event()
    child = ctx.Process(target=_sandbox, args=(queue, stop, args.history), daemon=True)
    child.start()
    ready = queue.get(timeout=300)
    print(
        f"sandbox in a child process at {ready['url']}: {JOBS:,} training jobs, {ENDPOINTS} endpoints, "
        f"{TRAIL_EVENTS:,} CloudTrail events, a {INSTANCES}-instance job writing {LINES_PER_SECOND:,} lines/s "
        f"(seeded in {ready['seeded_s']} s)"
    )
    try:
        res = asyncio.run(run(ready["url"], args.duration, args.line_cap, args.hour, args.history))
    finally:
        stop.set()
    summary = queue.get(timeout=60)
    child.join(timeout=30)

    lat = res["latencies"]
    allk = lat["main"] + lat["logs"]
    listed = (
        f"all listed in {res['listed_s']} s"
        if "listed_s" in res
        else f"{res['listed_rows']:,} listed by the end of the run"
    )
    print(
        f"\ntraining pane: first rows in {res['first_rows_s']} s, {listed} (ListTrainingJobs at its quota of "
        f"2 requests/s, 100 a page); log view's first lines {res['log_first_lines_s']} s after opening, "
        f"{res['log_loaded_lines']:,} lines loaded in {res['log_loaded_s']} s"
    )
    print("key press to frame (ms):")
    for name, vals in (
        ("main screen (10,000 rows, audit scanning)", lat["main"]),
        ("log view following 1,000 lines/s", lat["logs"]),
        ("all", allk),
    ):
        if vals:
            print(
                f"  {name:45s} n={len(vals):4d}  p50 {pct(vals, 0.5) * 1000:6.1f}  p95 {pct(vals, 0.95) * 1000:6.1f}"
                f"  max {max(vals) * 1000:6.1f}"
            )
    print(f"  target p95 < 100 ms: {'met' if pct(allk, 0.95) < 0.1 else 'NOT met'}")
    for phase, worst in res["slowest"].items():
        print(
            f"  slowest in {phase}: "
            + ", ".join(f"{k!r} {ms * 1000:.0f} ms at {at:.1f} s" for ms, k, at in worst)
        )
    print(
        f"garbage collector ({'Python defaults' if args.python_gc else 'smtui thresholds'} {gc.get_threshold()}):"
    )
    for gen, vals in pauses.items():
        if vals:
            print(
                f"  generation {gen}: {len(vals):5d} collections, {sum(vals):6.2f} s in all, longest "
                f"{max(vals) * 1000:6.1f} ms"
            )
    samples = res["samples"]
    print(f"\nmemory (RSS) over time, line cap {args.line_cap:,}:")
    step = max(1, len(samples) // 12)
    for t, mb, kept, dropped in samples[::step] + ([samples[-1]] if samples and len(samples) % step else []):
        print(f"  t={t:6.1f} s  RSS {mb:7.1f} MB  lines kept {kept:8,}  dropped {dropped:10,}")
    capped = [s for s in samples if s[2] >= args.line_cap * 0.98]
    if len(capped) >= 3:
        mbs = [s[1] for s in capped]
        half = len(mbs) // 2
        print(
            f"  once capped ({len(capped)} samples): RSS {min(mbs):.1f}..{max(mbs):.1f} MB, "
            f"median first half {statistics.median(mbs[:half] or mbs):.1f} MB, "
            f"second half {statistics.median(mbs[half:]):.1f} MB"
        )
        before = [s for s in samples if 0 < s[2] < args.line_cap * 0.98]
        if len(before) >= 2 and before[-1][2] > before[0][2]:
            per_line = (before[-1][1] - before[0][1]) * 1e6 / (before[-1][2] - before[0][2])
            print(
                f"  growth before the cap: about {per_line:,.0f} bytes a line -> at the default cap of 1,000,000 "
                f"lines about {per_line * 1_000_000 / 1e6:,.0f} MB for the log view"
            )
    else:
        print("  the cap was not reached in this run: use a smaller --line-cap or a longer --duration")
    if samples:
        empty = res["rss_started_mb"]
        print(
            f"resident with the log view holding {res['lines_kept']:,} lines at the end: {res['rss_end_mb']:.1f} MB, "
            f"+{res['rss_end_mb'] - empty:.1f} MB above the empty app ({empty:.1f} MB: started, the endpoints "
            f"listed; {samples[0][1]:.1f} MB as run_test entered), whole app, log sources and de-duplication "
            f"included; +{res['rss_end_mb'] - res['rss_before_logs_mb']:.1f} MB above just before the log view "
            f"opened ({res['rss_before_logs_mb']:.1f} MB, with the 10,000-job listing and the audit scan)"
        )
    print(
        f"\nlines written by the job: {summary['lines_written']:,}; kept in the view {res['lines_kept']:,}, "
        f"dropped (oldest) {res['lines_dropped']:,}; replayed for --hour {res['lines_fed_hour']:,} of 3,600,000; "
        f"de-duplication entries {res['dedupe_entries']}"
    )
    print(f"audit: {res['audit_events']:,} events scanned, done={res['audit_done']}")
    print("requests the sandbox answered (count, most in one second):")
    for op, v in summary["requests"].items():
        print(f"  {op:36s} {v['count']:6,}  {v['max_per_s']:3d}/s")
    print(
        json.dumps(
            {
                "p50_ms": round(pct(allk, 0.5) * 1000, 1),
                "p95_ms": round(pct(allk, 0.95) * 1000, 1),
                "rss_start_mb": round(samples[0][1], 1) if samples else None,
                "rss_started_mb": round(res["rss_started_mb"], 1),
                "rss_end_mb": round(samples[-1][1], 1) if samples else None,
                "line_cap": args.line_cap,
                "lines_written": summary["lines_written"],
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

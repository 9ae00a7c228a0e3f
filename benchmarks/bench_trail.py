"""Audit at scale: scan 5,000 CloudTrail events of a 24-hour window and show the identity summary.

    python benchmarks/bench_trail.py [--events 5000] [--runs 3] [--no-app]

The sandbox runs in a separate process (a child that starts ``Sandbox(seed="empty")`` and injects the
events into its CloudTrail recorder in-process, since the recorder has no HTTP injection API), so the
client's figures are not mixed with the server's CPU. Measured, medians of ``--runs`` runs:

1. data layer: :func:`smtui.aws.trail.scan` over the window (LookupEvents, 50 a page, 2 requests/s),
   then :func:`~smtui.aws.trail.summarize`; wall time and LookupEvents calls;
2. the app: the Audit pane from its first request to every row shown and the summary drawn, with the
   longest event-loop stall while rows are appended (how responsive the UI stays);
3. the server-side path: the same events in a CloudWatch Logs group, one Logs Insights query for one
   sourceIdentity (StartQuery + GetQueryResults). The sandbox's Insights completes at once and ignores
   ``filter``, so its time is a lower bound; the call count is what matters: 1 StartQuery plus about one
   GetQueryResults per second of query time, against 100 LookupEvents calls.

Nothing is asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import time
from datetime import datetime

os.environ.setdefault("AWS_EC2_METADATA_DISABLED", "true")
os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

CHILD = r"""
import json, random, sys, uuid
from datetime import UTC, datetime, timedelta
from smtui.sandbox import Sandbox

n, region = int(sys.argv[1]), sys.argv[2]
sb = Sandbox(seed="empty", driver=False, region=region).start()
rng = random.Random(7)
now = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=1)
users = [f"user{i:02d}" for i in range(20)]
names = ["DescribeTrainingJob"] * 6 + ["ListTrainingJobs"] * 4 + ["CreateTrainingJob", "StopTrainingJob",
        "CreateEndpoint", "UpdateEndpoint", "DeleteEndpoint", "DescribeEndpoint", "CreateModel"]
records = []
for i in range(n):
    when = now - timedelta(seconds=int(i * 86000 / n))
    who = rng.choice(users + ["ci", "ci", None])
    session = who or "botocore-session-1"
    role = "ci-pipeline-role" if who == "ci" else "SageMakerExecutionRole"
    ctx = {"sessionIssuer": {"type": "Role", "userName": role,
                             "arn": f"arn:aws:iam::123456789012:role/{role}"},
           "attributes": {"creationDate": "2026-01-01T00:00:00Z", "mfaAuthenticated": "false"}}
    if who and who != "ci":
        ctx["sourceIdentity"] = who
    name = rng.choice(names)
    rec = {"eventVersion": "1.09",
           "userIdentity": {"type": "AssumedRole", "principalId": f"AROAEXAMPLE:{session}",
                            "arn": f"arn:aws:sts::123456789012:assumed-role/{role}/{session}",
                            "accountId": "123456789012", "accessKeyId": "ASIAEXAMPLE", "sessionContext": ctx},
           "eventTime": when.strftime("%Y-%m-%dT%H:%M:%SZ"), "eventSource": "sagemaker.amazonaws.com",
           "eventName": name, "awsRegion": region, "sourceIPAddress": "10.0.%d.%d" % (i % 250, i % 199),
           "userAgent": "Boto3/1.43 md/Botocore", "requestParameters": {"trainingJobName": f"job-{i % 400}"},
           "responseElements": None, "requestID": str(uuid.uuid4()), "eventID": str(uuid.uuid4()),
           "readOnly": name.startswith(("Describe", "List")), "eventType": "AwsApiCall"}
    sb.recorder.add(rec)
    records.append(rec)
# the same events in a log group that "receives the trail", for the Logs Insights path
logs = sb.boto3_client("logs")
group, stream = "/aws/cloudtrail/bench", "123456789012_CloudTrail_" + region
logs.create_log_group(logGroupName=group)
logs.create_log_stream(logGroupName=group, logStreamName=stream)
batch = sorted(({"timestamp": int(datetime.fromisoformat(r["eventTime"].replace("Z", "+00:00")).timestamp() * 1000),
                 "message": json.dumps(r)} for r in records), key=lambda e: e["timestamp"])
for i in range(0, len(batch), 5000):
    logs.put_log_events(logGroupName=group, logStreamName=stream, logEvents=batch[i:i + 5000])
print(json.dumps({"url": sb.url, "group": group, "start": (now - timedelta(hours=24)).isoformat(),
                  "end": (now + timedelta(minutes=1)).isoformat()}), flush=True)
sys.stdin.read()
sb.stop()
"""


def start_child(n: int, region: str) -> tuple[subprocess.Popen[str], dict[str, str]]:
    proc = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(n), region],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    info = json.loads(proc.stdout.readline())
    return proc, info


def target(info: dict[str, str], region: str):
    from smtui.aws.target import AwsTarget
    from smtui.sandbox.server import ADMIN_KEY, ADMIN_SECRET

    return AwsTarget(region=region, endpoint_url=info["url"], access_key=ADMIN_KEY, secret_key=ADMIN_SECRET)


async def data_layer(info: dict[str, str], region: str) -> dict[str, float]:
    from smtui.aws import trail
    from smtui.aws.session import AwsSession

    aws = AwsSession(target(info, region))
    start, end = datetime.fromisoformat(info["start"]), datetime.fromisoformat(info["end"])
    t0 = time.perf_counter()
    events = []
    async for kept, _ in trail.scan(aws, trail.TrailQuery(start=start, end=end)):
        events.extend(kept)
    t_scan = time.perf_counter() - t0
    t1 = time.perf_counter()
    summary = trail.summarize(events)
    t_sum = time.perf_counter() - t1
    calls = aws.limiter.sent["cloudtrail.LookupEvents"]
    await aws.close()
    return {
        "seconds": t_scan + t_sum,
        "summary_ms": t_sum * 1000,
        "calls": calls,
        "events": len(events),
        "identities": len(summary),
    }


async def insights(info: dict[str, str], region: str) -> dict[str, float]:
    from smtui.aws import trail
    from smtui.aws.session import AwsSession

    aws = AwsSession(target(info, region))
    start, end = datetime.fromisoformat(info["start"]), datetime.fromisoformat(info["end"])
    t0 = time.perf_counter()
    rows = await trail.insights_events(aws, info["group"], start, end, source_identity="user07", poll=0.2)
    seconds = time.perf_counter() - t0
    calls = aws.limiter.sent["logs.StartQuery"] + aws.limiter.sent["logs.GetQueryResults"]
    await aws.close()
    return {"seconds": seconds, "calls": calls, "rows": len(rows)}


async def app_run(info: dict[str, str], region: str) -> dict[str, float]:
    from textual.screen import Screen
    from textual.widgets import DataTable, Footer

    from smtui.app import SmtuiApp
    from smtui.screens.audit import AuditPane

    class Only(Screen[None]):
        def compose(self):
            yield AuditPane(id="audit")
            yield Footer()

    class BenchApp(SmtuiApp):
        def get_default_screen(self):
            return Only()

    app = BenchApp(target=target(info, region))
    stalls: list[float] = []
    async with app.run_test(size=(200, 50)) as pilot:
        await app.get_aws()
        pane = app.query_one(AuditPane)
        t0 = time.perf_counter()
        last = time.perf_counter()
        startup: list[float] = []
        while not (pane.progress is not None and pane.progress.done and not pane.scanning):
            await pilot.pause(0.01)
            now = time.perf_counter()
            # before the first page: connecting, the first request; after it: appending rows
            (stalls if pane.progress is not None and pane.progress.pages >= 1 else startup).append(now - last)
            last = now
        await pilot.press("s")
        summary = pane.query_one("#audit-summary", DataTable)
        while not (summary.display and summary.row_count > 0):
            await pilot.pause(0.01)
        await pilot.pause()
        seconds = time.perf_counter() - t0
        rows = pane.table.row_count
        # a filter change over every row (pick one identity), then back to all
        t1 = time.perf_counter()
        pane.pick_identity("user07")
        await pilot.pause()
        pane.pick_identity(None)
        await pilot.pause()
        refilter = time.perf_counter() - t1
    return {
        "seconds": seconds,
        "rows": rows,
        "max_stall_ms": max(stalls) * 1000,
        "refilter_s": refilter,
        "startup_stall_ms": max(startup or [0.0]) * 1000,
    }


def median(runs: list[dict[str, float]], key: str) -> float:
    return statistics.median(r[key] for r in runs)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--events", type=int, default=5000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--no-app", action="store_true", help="skip the Textual pane runs")
    ap.add_argument("--app-only", action="store_true", help="only the Textual pane runs")
    args = ap.parse_args()
    region = "ap-southeast-2"
    print(f"starting a sandbox in a child process with {args.events:,} events in 24 hours…", flush=True)
    proc, info = start_child(args.events, region)
    try:
        layer, pane, ins = [], [], []
        for i in range(args.runs):  # interleaved: data layer, app, Insights
            if args.app_only:
                pane.append(asyncio.run(app_run(info, region)))
                print(
                    f"  run {i + 1} Audit pane: {pane[-1]['seconds']:.1f} s, longest stall while appending "
                    f"{pane[-1]['max_stall_ms']:.0f} ms, before the first page {pane[-1]['startup_stall_ms']:.0f} ms",
                    flush=True,
                )
                continue
            layer.append(asyncio.run(data_layer(info, region)))
            print(
                f"  run {i + 1} data layer: {layer[-1]['seconds']:.1f} s, {layer[-1]['calls']:.0f} LookupEvents "
                f"calls, {layer[-1]['events']:.0f} events, {layer[-1]['identities']:.0f} identities",
                flush=True,
            )
            if not args.no_app:
                pane.append(asyncio.run(app_run(info, region)))
                print(
                    f"  run {i + 1} Audit pane: {pane[-1]['seconds']:.1f} s to {pane[-1]['rows']:.0f} rows + summary, "
                    f"longest UI stall while appending {pane[-1]['max_stall_ms']:.0f} ms (before the first page "
                    f"{pane[-1]['startup_stall_ms']:.0f} ms), refilter {pane[-1]['refilter_s']:.2f} s",
                    flush=True,
                )
            ins.append(asyncio.run(insights(info, region)))
            print(
                f"  run {i + 1} Logs Insights: {ins[-1]['seconds']:.2f} s, {ins[-1]['calls']:.0f} calls, "
                f"{ins[-1]['rows']:.0f} rows for one identity",
                flush=True,
            )
    finally:
        assert proc.stdin is not None
        proc.stdin.close()
        proc.wait(timeout=30)
    if args.app_only:
        return 0
    print()
    print(f"medians of {args.runs} runs, {args.events:,} events in a 24-hour window:")
    lk = median(layer, "calls")
    print(
        f"  LookupEvents scan + identity summary: {median(layer, 'seconds'):.1f} s, {lk:.0f} calls "
        f"(50 events a page at 2 requests/s: at least {lk / 2:.0f} s); summary itself "
        f"{median(layer, 'summary_ms'):.1f} ms"
    )
    if pane:
        print(
            f"  Audit pane, first request to all rows and the summary shown: {median(pane, 'seconds'):.1f} s; "
            f"longest event-loop stall while appending {median(pane, 'max_stall_ms'):.0f} ms; "
            f"re-filtering every row twice {median(pane, 'refilter_s'):.2f} s"
        )
    ic = median(ins, "calls")
    print(
        f"  Logs Insights for one sourceIdentity: {median(ins, 'seconds'):.2f} s in the sandbox (completes at once), "
        f"{ic:.0f} calls vs {lk:.0f}: {lk / ic:.0f}x fewer requests. Against AWS an Insights query over "
        f"a day of a trail takes seconds (poll once a second: about 1 StartQuery + 2-10 GetQueryResults), "
        f"and its 5 TPS quota is not shared with LookupEvents; over 90 days LookupEvents would need "
        f"{lk * 90:.0f} calls (~{lk * 90 / 2 / 60:.0f} min) for the same density, Insights still one query."
    )
    print(
        "  CloudTrail Lake: 1 StartQuery + polls + one GetQueryResults per result page; not measurable "
        "here (moto has no Lake)."
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

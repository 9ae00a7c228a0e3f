"""Audit at organisation scale: one identity question by LookupEvents scan and by Athena, and Athena over a big
trail.

    python benchmarks/bench_athena.py [--events 5000] [--big 1000000] [--runs 3]

The sandbox runs in a child process (``Sandbox(seed="empty")``); it holds ``--events`` CloudTrail events of a
24-hour window twice: in its CloudTrail recorder (what LookupEvents reads) and delivered to S3 as CloudTrail
delivers them, under a partition-projected Athena table (the console's schema); and ``--big`` records of 30 days
under a second table. Its Athena runs the SQL for real (DuckDB over the table's files), so the Athena figures are
the sandbox engine's, not Amazon's: what they show is the client's side (one query and a few pages against a
LookupEvents call per 50 events at 2 requests/s) and that the query reads only the partitions of the window.

Measured, interleaved, medians of ``--runs`` runs:

1. ``smtui trail --source-identity user03`` over the 24 hours: by the LookupEvents scan, and with
   ``--trail-athena`` (StartQueryExecution, GetQueryExecution every 0.5 s, GetQueryResults pages): wall time,
   calls, the same events, and the ratio;
2. the big trail: every event of one identity over 30 days (up to 10,000 rows, the query's limit): the engine's
   time (``EngineExecutionTimeInMillis``), data scanned, and rows/s from GetQueryResults into ``TrailEvent``
   rows (what the Audit pane's table is fed).

Nothing is asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import os
import statistics
import subprocess
import sys
import time
from datetime import datetime

os.environ.setdefault("AWS_EC2_METADATA_DISABLED", "true")

CHILD = r"""
import json, random, sys, time, uuid
from datetime import UTC, datetime, timedelta
from smtui.sandbox import Sandbox, org_trail, trail_delivery

n, big, region = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
sb = Sandbox(seed="empty", driver=False, region=region).start()
acct = sb.account_id
rng = random.Random(7)
now = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=1)
users = [f"user{i:02d}" for i in range(20)]
names = ["DescribeTrainingJob"] * 6 + ["ListTrainingJobs"] * 4 + ["CreateTrainingJob", "StopTrainingJob",
        "CreateEndpoint", "UpdateEndpoint", "DeleteEndpoint", "DescribeEndpoint", "CreateModel"]

def record(i, when, account=acct, where=region):
    who = rng.choice(users + ["ci", "ci", None])
    session = who or "botocore-session-1"
    role = "ci-pipeline-role" if who == "ci" else "SageMakerExecutionRole"
    ctx = {"sessionIssuer": {"type": "Role", "userName": role, "arn": f"arn:aws:iam::{account}:role/{role}"},
           "attributes": {"creationDate": "2026-01-01T00:00:00Z", "mfaAuthenticated": "false"}}
    if who and who != "ci":
        ctx["sourceIdentity"] = who
    name = rng.choice(names)
    return {"eventVersion": "1.09",
            "userIdentity": {"type": "AssumedRole", "principalId": f"AROAEXAMPLE:{session}",
                             "arn": f"arn:aws:sts::{account}:assumed-role/{role}/{session}",
                             "accountId": account, "accessKeyId": "ASIAEXAMPLE", "sessionContext": ctx},
            "eventTime": when.strftime("%Y-%m-%dT%H:%M:%SZ"), "eventSource": "sagemaker.amazonaws.com",
            "eventName": name, "awsRegion": where, "sourceIPAddress": "10.0.%d.%d" % (i % 250, i % 199),
            "userAgent": "Boto3/1.43 md/Botocore", "requestParameters": {"trainingJobName": f"job-{i % 400}"},
            "responseElements": None, "requestID": str(uuid.uuid4()), "eventID": str(uuid.uuid4()),
            "readOnly": name.startswith(("Describe", "List")), "eventType": "AwsApiCall",
            "recipientAccountId": account}

records = []
for i in range(n):
    rec = record(i, now - timedelta(seconds=int(i * 86000 / n)))
    sb.recorder.add(rec)
    records.append(rec)
trail_delivery.ensure_bucket("bench-results", account_id=acct, region=region)
org_trail.set_results_location(acct, region, "s3://bench-results/")
trail_delivery.deliver("bench-trail", records, account_id=acct, region=region)
org_trail.create_table(sb, org_trail.table_input("bench_trail", bucket="bench-trail", accounts=(acct,),
                                                 regions=(region,)))
t0 = time.perf_counter()
accounts = (acct, "234567890123")
regions = (region, "eu-west-1")
chunk = []
for i in range(big):
    chunk.append(record(i, now - timedelta(seconds=int(i * 30 * 86400 / max(big, 1))),
                        accounts[i % 2], regions[(i // 2) % 2]))
    if len(chunk) == 50_000 or i == big - 1:
        trail_delivery.deliver("bench-big", chunk, account_id=acct, region=region, salt=str(i))
        chunk = []
org_trail.create_table(sb, org_trail.table_input("bench_big", bucket="bench-big", accounts=accounts,
                                                 regions=regions))
seed_s = time.perf_counter() - t0
print(json.dumps({"url": sb.url, "start": (now - timedelta(hours=24)).isoformat(),
                  "end": (now + timedelta(minutes=1)).isoformat(),
                  "big_start": (now - timedelta(days=31)).isoformat(), "seed_s": seed_s}), flush=True)
sys.stdin.read()
sb.stop()
"""


def start_child(n: int, big: int, region: str) -> tuple[subprocess.Popen[str], dict[str, str]]:
    proc = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(n), str(big), region],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    return proc, json.loads(proc.stdout.readline())


def session(info: dict[str, str], region: str):
    from smtui.aws.session import AwsSession
    from smtui.aws.target import AwsTarget
    from smtui.sandbox.server import ADMIN_KEY, ADMIN_SECRET

    return AwsSession(
        AwsTarget(region=region, endpoint_url=info["url"], access_key=ADMIN_KEY, secret_key=ADMIN_SECRET)
    )


async def identity_question(info: dict[str, str], region: str, table: str | None) -> dict[str, float]:
    """``smtui trail --source-identity user03`` over the window, by LookupEvents or by Athena."""
    from smtui.config import Settings
    from smtui.headless import trail as headless

    parser = argparse.ArgumentParser()
    headless.add_arguments(parser)
    args = parser.parse_args(
        ["--source-identity", "user03", "--since", info["start"], "--until", info["end"], "--json"]
    )
    aws = session(info, region)
    out, err = io.StringIO(), io.StringIO()
    t0 = time.perf_counter()
    code = await headless.run(args, aws, Settings(trail_athena=table), out=out, err=err)
    seconds = time.perf_counter() - t0
    calls = sum(aws.limiter.sent.values())
    await aws.close()
    assert code == 0, err.getvalue()
    ids = sorted(json.loads(line)["eventId"] for line in out.getvalue().splitlines())
    return {"seconds": seconds, "calls": calls, "events": len(ids), "ids": hash(tuple(ids))}


async def big_trail(info: dict[str, str], region: str) -> dict[str, float]:
    from smtui.aws.trail import athena
    from smtui.aws.trail.queries import ServerFilter

    aws = session(info, region)
    flt = ServerFilter(
        datetime.fromisoformat(info["big_start"]), datetime.fromisoformat(info["end"]), "user03"
    )
    last: list[athena.AthenaStatus] = []
    rows = 0
    t0 = time.perf_counter()
    paging = 0.0
    async for page in athena.athena_pages(aws, "bench_big", flt, on_status=lambda st: last.append(st)):
        if not paging:
            paging = time.perf_counter()
        rows += len(page)
    t1 = time.perf_counter()
    await aws.close()
    st = last[-1]
    return {
        "seconds": t1 - t0,
        "engine_s": st.engine_ms / 1000,
        "scanned_mb": st.bytes_scanned / 1e6,
        "rows": rows,
        "rows_per_s": rows / max(t1 - paging, 1e-9),
    }


def med(runs: list[dict[str, float]], key: str) -> float:
    return statistics.median(r[key] for r in runs)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--events", type=int, default=5000)
    ap.add_argument("--big", type=int, default=1_000_000)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    region = "ap-southeast-3"
    print(
        f"starting a sandbox with {args.events:,} events in 24 hours and a {args.big:,}-record trail…",
        flush=True,
    )
    t0 = time.perf_counter()
    proc, info = start_child(args.events, args.big, region)
    print(
        f"  seeded in {time.perf_counter() - t0:.0f} s (the big trail {float(info['seed_s']):.0f} s)",
        flush=True,
    )
    try:
        if args.big:  # the first query over the big trail makes the sandbox engine's local copies: not timed
            warm = asyncio.run(big_trail(info, region))
            print(
                f"  warm-up over the big trail (the sandbox copies its files): {warm['seconds']:.1f} s",
                flush=True,
            )
        lookup, ath, big = [], [], []
        for i in range(args.runs):
            lookup.append(asyncio.run(identity_question(info, region, None)))
            ath.append(asyncio.run(identity_question(info, region, "bench_trail")))
            print(
                f"  run {i + 1}: LookupEvents {lookup[-1]['seconds']:.1f} s ({lookup[-1]['calls']:.0f} calls), "
                f"Athena {ath[-1]['seconds']:.2f} s ({ath[-1]['calls']:.0f} calls), "
                f"{ath[-1]['events']:.0f} events, same events: {lookup[-1]['ids'] == ath[-1]['ids']}",
                flush=True,
            )
            if args.big:
                big.append(asyncio.run(big_trail(info, region)))
                print(
                    f"  run {i + 1}: big trail {big[-1]['seconds']:.1f} s, engine {big[-1]['engine_s']:.1f} s, "
                    f"{big[-1]['scanned_mb']:.0f} MB scanned, {big[-1]['rows']:.0f} rows at "
                    f"{big[-1]['rows_per_s']:,.0f} rows/s",
                    flush=True,
                )
    finally:
        assert proc.stdin is not None
        proc.stdin.close()
        proc.wait(timeout=60)
    print()
    print(f"medians of {args.runs} interleaved runs:")
    lk, at = med(lookup, "seconds"), med(ath, "seconds")
    print(
        f"  one identity over 24 hours, {args.events:,} events: LookupEvents scan {lk:.1f} s "
        f"({med(lookup, 'calls'):.0f} calls at 2/s), Athena {at:.2f} s ({med(ath, 'calls'):.0f} calls): "
        f"Athena {lk / at:.0f}x faster, {med(ath, 'events'):.0f} events either way"
    )
    if big:
        print(
            f"  {args.big:,}-record trail, one identity over 30 days: {med(big, 'seconds'):.1f} s in all, "
            f"engine {med(big, 'engine_s'):.1f} s (the sandbox's DuckDB), {med(big, 'scanned_mb'):.0f} MB "
            f"scanned, {med(big, 'rows'):.0f} rows into TrailEvent rows at {med(big, 'rows_per_s'):,.0f} rows/s"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

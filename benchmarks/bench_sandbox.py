"""The sandbox's data side: seeding the default scenario, bulk jobs, and FilterLogEvents vs moto alone.

    AWS_EC2_METADATA_DISABLED=true /work/venv/bin/python benchmarks/bench_sandbox.py [--runs 3] [--events 100000]

- seed: ``seed_default`` on a fresh sandbox, each run in a fresh interpreter (imports excluded);
- bulk: ``bulk_training_jobs(sb, 10000, ...)``;
- filter: paging FilterLogEvents (limit 10,000) through ``--events`` events in 10 streams, with the
  patterns ``ERROR`` and none, against the sandbox and against a plain moto ``ThreadedMotoServer`` in
  its own interpreter (no smtui imported). Runs are interleaved; medians and ratios are printed.
  Note that moto alone answers differently (it ignores or mis-reads most patterns), so this compares
  cost, not results. Nothing is asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

_SEED = r"""
import json, time
from smtui.sandbox import Sandbox
from smtui.sandbox import fidelity_sagemaker as fsm
from smtui.sandbox.scenario import seed_default
sb = Sandbox(seed="empty", driver=False).start()
t = time.perf_counter(); seed_default(sb); seed = time.perf_counter() - t
t = time.perf_counter(); fsm.bulk_training_jobs(sb, 10000, "bench"); bulk = time.perf_counter() - t
sb.stop()
print(json.dumps({"seed": seed, "bulk": bulk}))
"""

_SERVE = r"""
import sys, time
kind = sys.argv[1]
if kind == "moto":
    import logging
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    from moto.server import ThreadedMotoServer
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    url = f"http://{host}:{port}"
else:
    from smtui.sandbox import Sandbox
    url = Sandbox(seed="empty", driver=False).start().url
print(url, flush=True)
sys.stdin.read()
"""


def _client(url: str):
    import boto3
    from botocore.config import Config

    return boto3.client(
        "logs",
        region_name="us-east-1",
        endpoint_url=url,
        aws_access_key_id="AKIAEXAMPLE",
        aws_secret_access_key="x",
        config=Config(retries={"total_max_attempts": 1}),
    )


def _load(logs, events: int) -> None:
    logs.create_log_group(logGroupName="/bench/filter")
    base = int(time.time() * 1000) - 3_600_000
    per = events // 10
    for s in range(10):
        stream = f"job/algo-{s}-1700000000"
        logs.create_log_stream(logGroupName="/bench/filter", logStreamName=stream)
        batch = [
            {
                "timestamp": base + 3 * i + s,
                "message": f"ERROR boom {i}" if i % 100 == 0 else f"INFO step {i} loss 0.123",
            }
            for i in range(per)
        ]
        for k in range(0, per, 10_000):
            logs.put_log_events(
                logGroupName="/bench/filter", logStreamName=stream, logEvents=batch[k : k + 10_000]
            )


def _page_all(logs, pattern: str) -> tuple[float, int]:
    t = time.perf_counter()
    n, kw = 0, {}
    extra = {"interleaved": True}
    while True:
        got = logs.filter_log_events(logGroupName="/bench/filter", filterPattern=pattern, **extra, **kw)
        n += len(got["events"])
        if not got.get("nextToken"):
            return time.perf_counter() - t, n
        kw = {"nextToken": got["nextToken"]}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--events", type=int, default=100_000)
    args = ap.parse_args()
    env = {**os.environ, "AWS_EC2_METADATA_DISABLED": "true"}

    seeds, bulks = [], []
    for _ in range(args.runs):
        out = subprocess.run(
            [sys.executable, "-c", _SEED], capture_output=True, text=True, env=env, check=True
        )
        figures = json.loads(out.stdout.strip().splitlines()[-1])
        seeds.append(figures["seed"])
        bulks.append(figures["bulk"])
    print(f"seed_default:                 median {statistics.median(seeds):.2f} s  (runs {len(seeds)})")
    print(f"bulk_training_jobs 10,000:    median {statistics.median(bulks):.2f} s")

    procs = {
        kind: subprocess.Popen(
            [sys.executable, "-c", _SERVE, kind],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=env,
        )
        for kind in ("moto", "sandbox")
    }
    try:
        clients = {kind: _client(p.stdout.readline().strip()) for kind, p in procs.items()}
        for logs in clients.values():
            _load(logs, args.events)
        for pattern in ("ERROR", ""):
            times: dict[str, list[float]] = {"moto": [], "sandbox": []}
            counts: dict[str, int] = {}
            for _ in range(args.runs):
                for kind, logs in clients.items():
                    elapsed, n = _page_all(logs, pattern)
                    times[kind].append(elapsed)
                    counts[kind] = n
            m, s = statistics.median(times["moto"]), statistics.median(times["sandbox"])
            print(
                f"FilterLogEvents {pattern or '(all)':>6} over {args.events:,}: sandbox {s:.2f} s "
                f"({counts['sandbox']:,} events), moto alone {m:.2f} s ({counts['moto']:,} events), "
                f"ratio {s / m:.2f}"
            )
    finally:
        for p in procs.values():
            p.stdin.close()
            p.kill()


if __name__ == "__main__":
    main()

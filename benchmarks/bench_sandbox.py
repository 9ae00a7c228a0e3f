"""The sandbox's costs: start to seeded, per-request overhead, bulk jobs, and FilterLogEvents, each against
moto alone where moto can do the same.

    AWS_EC2_METADATA_DISABLED=true python benchmarks/bench_sandbox.py [--runs 3] [--events 100000] [--requests 300]

- start: ``Sandbox(seed="default", driver=False).start()`` until it answers seeded, each run in a fresh
  interpreter (imports excluded);
- bulk: ``bulk_training_jobs(sb, 10000, ...)``;
- requests: the median latency of DescribeTrainingJob and ListTrainingJobs from a boto3 client against the
  sandbox (no lifecycles), the sandbox running 50 training jobs' lifecycles, and a plain moto
  ``ThreadedMotoServer``, each in its own interpreter, interleaved in rounds;
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
import moto.server, boto3  # imports excluded from the figures
t = time.perf_counter(); sb = Sandbox(seed="default", driver=False).start()
start = time.perf_counter() - t
t = time.perf_counter(); fsm.bulk_training_jobs(sb, 10000, "bench"); bulk = time.perf_counter() - t
sb.stop()
print(json.dumps({"start": start, "bulk": bulk}))
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
elif kind == "lifecycles":
    from smtui.sandbox import Sandbox
    try:
        url = Sandbox(seed="empty", driver=True, time_scale=1).start().url  # jobs stay in Starting
    except TypeError:  # a sandbox from before the lifecycles (to compare with)
        url = "unsupported"
else:
    from smtui.sandbox import Sandbox
    url = Sandbox(seed="empty", driver=False).start().url
print(url, flush=True)
sys.stdin.read()
"""


def _client(url: str, service: str = "logs"):
    import boto3
    from botocore.config import Config

    return boto3.client(
        service,
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


def _jobs(sm, n: int) -> None:
    for i in range(n):
        sm.create_training_job(
            TrainingJobName=f"bench-{i:03d}",
            RoleArn="arn:aws:iam::123456789012:role/R",
            AlgorithmSpecification={"TrainingImage": "img:1", "TrainingInputMode": "File"},
            OutputDataConfig={"S3OutputPath": "s3://b/o/"},
            ResourceConfig={"InstanceType": "ml.m5.xlarge", "InstanceCount": 1, "VolumeSizeInGB": 30},
            StoppingCondition={"MaxRuntimeInSeconds": 3600},
        )


def _latency(sm, operation: str, n: int) -> float:
    """The median seconds of ``n`` calls."""
    call = getattr(sm, operation)
    kw = {"TrainingJobName": "bench-000"} if operation == "describe_training_job" else {"MaxResults": 10}
    times = []
    for _ in range(n):
        t = time.perf_counter()
        call(**kw)
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def _requests(env: dict[str, str], runs: int, n: int) -> None:
    kinds = ("moto", "sandbox", "lifecycles")
    procs = {
        kind: subprocess.Popen(
            [sys.executable, "-c", _SERVE, kind],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=env,
        )
        for kind in kinds
    }
    try:
        urls = {kind: p.stdout.readline().strip() for kind, p in procs.items()}
        clients = {kind: _client(url, "sagemaker") for kind, url in urls.items() if url != "unsupported"}
        for sm in clients.values():
            _jobs(sm, 50)
        for operation in ("describe_training_job", "list_training_jobs"):
            got: dict[str, list[float]] = {k: [] for k in clients}
            for _ in range(runs):
                for kind, sm in clients.items():
                    got[kind].append(_latency(sm, operation, n))
            m = {k: statistics.median(v) for k, v in got.items()}
            line = (
                f"{operation:<22} median per call: moto alone {m['moto'] * 1e3:.2f} ms, sandbox "
                f"{m['sandbox'] * 1e3:.2f} ms (ratio {m['sandbox'] / m['moto']:.2f})"
            )
            if "lifecycles" in m:
                line += f", running 50 lifecycles {m['lifecycles'] * 1e3:.2f} ms (ratio {m['lifecycles'] / m['moto']:.2f})"
            print(line)
    finally:
        for p in procs.values():
            p.stdin.close()
            p.kill()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--events", type=int, default=100_000)
    ap.add_argument("--requests", type=int, default=300)
    args = ap.parse_args()
    env = {**os.environ, "AWS_EC2_METADATA_DISABLED": "true"}

    starts, bulks = [], []
    for _ in range(args.runs):
        out = subprocess.run(
            [sys.executable, "-c", _SEED], capture_output=True, text=True, env=env, check=True
        )
        figures = json.loads(out.stdout.strip().splitlines()[-1])
        starts.append(figures["start"])
        bulks.append(figures["bulk"])
    print(f"start to seeded (default):    median {statistics.median(starts):.2f} s  (runs {len(starts)})")
    print(f"bulk_training_jobs 10,000:    median {statistics.median(bulks):.2f} s")
    _requests(env, args.runs, args.requests)

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

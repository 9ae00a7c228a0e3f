"""Fetching a whole multi-node training job's logs: ``smtui logs`` (headless) against its peers.

    AWS_EC2_METADATA_DISABLED=true /work/venv/bin/python benchmarks/bench_logs.py [--runs 5]
        [--per-stream 25000] [--skip-peers] [--no-sdk-sleep]

One sandbox (``python -m smtui.sandbox --seed empty --no-driver``) in its own process holds a training job
with InstanceCount 4 and 4 streams ``<job>/algo-N-<epoch>`` of ``--per-stream`` events of about 100 bytes.
Each command below fetches every event of the job, as a separate process (imports included), output to
/dev/null; the commands are run interleaved (A B C ... A B C ...) and the medians are compared:

- ``smtui logs training JOB --endpoint-url URL`` (headless; prints interleaved, cleaned, labelled lines);
- ``awslogs get`` 0.15.0 and the SageMaker SDK 2.x ``Session.logs_for_job(job, wait=False)``, each in its own
  venv under benchmarks/.peers/ (created on first use; they pin their own boto3). The SDK sleeps 5 s before
  its first DescribeTrainingJob: reported as it is, and with ``--no-sdk-sleep`` also without it;
- a plain concurrent aiobotocore GetLogEvents loop (4 streams, startFromHead, until the token repeats);
- plain HTTP: the same GetLogEvents JSON requests POSTed from 4 threads with http.client, no botocore and no
  parsing beyond reading the next token (the floor the server sets);
- the same plain HTTP requests paced at GetLogEvents' documented quota of 10 requests/s per account, as smtui
  paces them (its shared rate limiter: at most 10 in any second): 16 requests cannot take less than about
  1 s, which is the floor for any client that stays inside the quota.

Nothing is asserted: the figures and ratios are printed.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
PEERS = HERE / ".peers"
PY = sys.executable
GROUP = "/aws/sagemaker/TrainingJobs"
KEY, SECRET, REGION = "AKIAIOSFODNN7SANDBOX", "sandbox-secret-not-a-real-key", "us-east-1"

AIOBOTOCORE_LOOP = r"""
import asyncio, sys
from aiobotocore.session import get_session
url, group, job = sys.argv[1:4]
async def stream(client, name):
    n, params, last = 0, dict(logGroupName=group, logStreamName=name, startFromHead=True), None
    while True:
        page = await client.get_log_events(**params)
        n += len(page["events"])
        tok = page["nextForwardToken"]
        if tok == last:
            return n
        last = params["nextToken"] = tok
async def main():
    async with get_session().create_client("logs", region_name="us-east-1", endpoint_url=url,
                                           aws_access_key_id="AKIAIOSFODNN7SANDBOX", aws_secret_access_key="x") as c:
        names = [s["logStreamName"] for s in (await c.describe_log_streams(logGroupName=group,
                 logStreamNamePrefix=job + "/"))["logStreams"]]
        counts = await asyncio.gather(*[stream(c, n) for n in names])
        print(sum(counts), file=sys.stderr)
asyncio.run(main())
"""

PLAIN_HTTP = r"""
import http.client, json, re, sys, threading
TOKEN = re.compile(rb'"nextForwardToken":\s*"([^"]*)"')
from urllib.parse import urlparse
url, group, job = sys.argv[1:4]
rate = float(sys.argv[4]) if len(sys.argv) > 4 else 0.0  # GetLogEvents per second, 0: unpaced
u = urlparse(url)
import time
pace, sent = threading.Lock(), []
def paced():  # at most `rate` requests in any 1.05 s, as smtui's shared limiter allows them
    if not rate:
        return
    while True:
        with pace:
            now = time.monotonic()
            recent = [t for t in sent if t > now - 1.05]
            if len(recent) < int(rate):
                sent[:] = recent + [now]
                return
            wait = recent[-int(rate)] + 1.05 - now
        time.sleep(max(wait, 0.001))
AUTH = ("AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7SANDBOX/20260101/us-east-1/logs/aws4_request, "
        "SignedHeaders=host;x-amz-date;x-amz-target, Signature=" + "0" * 64)
def post(conn, target, body):
    conn.request("POST", "/", body=json.dumps(body), headers={
        "Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": "Logs_20140328." + target,
        "Authorization": AUTH, "X-Amz-Date": "20260101T000000Z"})
    return conn.getresponse().read()
conn = http.client.HTTPConnection(u.hostname, u.port)
names = [s["logStreamName"] for s in json.loads(post(conn, "DescribeLogStreams",
         {"logGroupName": group, "logStreamNamePrefix": job + "/"}))["logStreams"]]
counts = {}
def fetch(name):
    c = http.client.HTTPConnection(u.hostname, u.port)
    body, last, n = {"logGroupName": group, "logStreamName": name, "startFromHead": True}, None, 0
    while True:
        paced()
        raw = post(c, "GetLogEvents", body)
        tok = TOKEN.search(raw).group(1).decode()
        n += raw.count(b'"ingestionTime"')
        if tok == last:
            counts[name] = n
            return
        last = body["nextToken"] = tok
threads = [threading.Thread(target=fetch, args=(n,)) for n in names]
for t in threads: t.start()
for t in threads: t.join()
print(sum(counts.values()), file=sys.stderr)
"""

SDK = r"""
import sys, boto3, sagemaker, time
job, nosleep = sys.argv[1], sys.argv[2] == "1"
if nosleep:
    import sagemaker.session as s
    s._wait_until = lambda cb, poll=5: cb()
sess = sagemaker.session.Session(boto_session=boto3.Session(region_name="us-east-1"))
sess.logs_for_job(job, wait=False)
"""


def env() -> dict[str, str]:
    e = dict(
        os.environ,
        AWS_ACCESS_KEY_ID=KEY,
        AWS_SECRET_ACCESS_KEY=SECRET,
        AWS_REGION=REGION,
        AWS_DEFAULT_REGION=REGION,
        AWS_EC2_METADATA_DISABLED="true",
    )
    for var in ("AWS_PROFILE", "AWS_ENDPOINT_URL"):
        e.pop(var, None)
    return e


def start_sandbox() -> tuple[subprocess.Popen[str], str]:
    proc = subprocess.Popen(
        [PY, "-m", "smtui.sandbox", "--seed", "empty", "--no-driver"],
        stdout=subprocess.PIPE,
        text=True,
        env=env(),
    )
    assert proc.stdout is not None
    url = proc.stdout.readline().strip()
    if not url.startswith("http://127.0.0.1:"):
        proc.kill()
        raise SystemExit(f"sandbox did not start: {url!r}")
    return proc, url


def seed(url: str, job: str, per_stream: int) -> None:
    import boto3
    from botocore.config import Config

    kw = dict(
        region_name=REGION,
        endpoint_url=url,
        aws_access_key_id=KEY,
        aws_secret_access_key=SECRET,
        config=Config(retries={"total_max_attempts": 1}),
    )
    sm = boto3.client("sagemaker", **kw)
    logs = boto3.client("logs", **kw)
    sm.create_training_job(
        TrainingJobName=job,
        AlgorithmSpecification={
            "TrainingImage": "683313688378.dkr.ecr.us-east-1.amazonaws.com/x:1",
            "TrainingInputMode": "File",
        },
        RoleArn="arn:aws:iam::123456789012:role/SageMakerExecutionRole",
        OutputDataConfig={"S3OutputPath": "s3://bucket/out/"},
        ResourceConfig={"InstanceType": "ml.p4d.24xlarge", "InstanceCount": 4, "VolumeSizeInGB": 30},
        StoppingCondition={"MaxRuntimeInSeconds": 86400},
    )
    logs.create_log_group(logGroupName=GROUP)
    rnd = random.Random(7)
    start = int(time.time() * 1000) - 3_600_000
    epoch = start // 1000
    for k in range(1, 5):
        stream = f"{job}/algo-{k}-{epoch}"
        logs.create_log_stream(logGroupName=GROUP, logStreamName=stream)
        events = []
        for i in range(per_stream):
            msg = (
                f"[algo-{k}] step {i:06d} loss={rnd.uniform(0.5, 3):.4f} lr={rnd.uniform(1e-5, 3e-5):.3e} "
                f"throughput={rnd.uniform(100, 200):.1f} samples/s mem={rnd.uniform(50, 70):.1f}GB"
            )
            events.append({"timestamp": start + i * 100 + k, "message": msg})
        for i in range(0, len(events), 10_000):
            logs.put_log_events(logGroupName=GROUP, logStreamName=stream, logEvents=events[i : i + 10_000])


def ensure_peer(name: str, spec: str) -> Path | None:
    venv = PEERS / name
    marker = venv / ".installed"
    if marker.exists():
        return venv
    print(f"creating {venv} with {spec} (once; may take minutes)…", file=sys.stderr)
    try:
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(venv / "bin" / "pip"), "install", "-q", spec], check=True)
    except (subprocess.CalledProcessError, OSError) as exc:
        print(f"  could not install {spec}: {exc}", file=sys.stderr)
        return None
    marker.write_text(spec)
    return venv


def timed(cmd: list[str], extra_env: dict[str, str] | None = None) -> float:
    e = env()
    if extra_env:
        e.update(extra_env)
    t = time.perf_counter()
    with open(os.devnull, "w") as null:
        r = subprocess.run(cmd, stdout=null, stderr=subprocess.PIPE, env=e, text=True)
    elapsed = time.perf_counter() - t
    if r.returncode != 0:
        raise RuntimeError(f"{cmd[:4]} failed ({r.returncode}): {r.stderr[-2000:]}")
    return elapsed


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--per-stream", type=int, default=25_000)
    p.add_argument("--skip-peers", action="store_true", help="only smtui and the two reference loops")
    p.add_argument("--no-sdk-sleep", action="store_true", help="also run the SDK without its 5 s first sleep")
    args = p.parse_args()

    proc, url = start_sandbox()
    job = "bench-llama-4x"
    try:
        t = time.perf_counter()
        seed(url, job, args.per_stream)
        total = 4 * args.per_stream
        print(
            f"sandbox {url}: job {job}, 4 streams x {args.per_stream:,} events, seeded in "
            f"{time.perf_counter() - t:.1f}s"
        )
        # sanity: smtui prints every event once
        out = subprocess.run(
            [PY, "-m", "smtui", "--endpoint-url", url, "logs", "training", job],
            capture_output=True,
            text=True,
            env=env(),
        )
        lines = out.stdout.count("\n")
        print(f"smtui logs printed {lines:,} lines for {total:,} events (rc {out.returncode})")

        cmds: dict[str, tuple[list[str], dict[str, str] | None]] = {
            "plain HTTP (floor)": ([PY, "-c", PLAIN_HTTP, url, GROUP, job], None),
            "plain HTTP at 10 req/s (quota floor)": ([PY, "-c", PLAIN_HTTP, url, GROUP, job, "10"], None),
            "aiobotocore loop": ([PY, "-c", AIOBOTOCORE_LOOP, url, GROUP, job], None),
            "smtui logs": ([PY, "-m", "smtui", "--endpoint-url", url, "logs", "training", job], None),
        }
        if not args.skip_peers:
            aw = ensure_peer("awslogs", "awslogs==0.15.0")
            if aw:
                cmds["awslogs get"] = (
                    [
                        str(aw / "bin" / "awslogs"),
                        "get",
                        GROUP,
                        f"{job}.*",
                        "--start=4h",
                        f"--aws-endpoint-url={url}",
                        "--aws-region",
                        REGION,
                        "--color=never",
                    ],
                    None,
                )
            sdk = ensure_peer("sagemaker", "sagemaker==2.257.7")
            if sdk:
                py = str(sdk / "bin" / "python")
                cmds["SDK logs_for_job"] = ([py, "-c", SDK, job, "0"], {"AWS_ENDPOINT_URL": url})
                if args.no_sdk_sleep:
                    cmds["SDK logs_for_job, no 5 s sleep"] = (
                        [py, "-c", SDK, job, "1"],
                        {"AWS_ENDPOINT_URL": url},
                    )
        times: dict[str, list[float]] = {k: [] for k in cmds}
        for run in range(args.runs):
            for name, (cmd, extra) in cmds.items():
                times[name].append(timed(cmd, extra))
            print(
                f"  run {run + 1}/{args.runs}: " + ", ".join(f"{k} {v[-1]:.2f}s" for k, v in times.items()),
                flush=True,
            )
        floor = statistics.median(times["plain HTTP (floor)"])
        ours = statistics.median(times["smtui logs"])
        print(f"\nmedians of {args.runs} interleaved runs, {total:,} events ({'wall time per command'}):")
        for name, ts in times.items():
            med = statistics.median(ts)
            line = f"  {name:38s} {med:7.2f}s   {med / floor:5.2f}x the floor"
            if name != "smtui logs":
                line += (
                    f"   smtui is {med / ours:4.1f}x faster"
                    if med >= ours
                    else f"   smtui takes {ours / med:4.2f}x as long"
                )
            print(line)
        quota = statistics.median(times["plain HTTP at 10 req/s (quota floor)"])
        print(
            f"\ntarget: smtui logs within 1.5x of the plain-HTTP floor: {ours / floor:.2f}x; "
            f"{ours / quota:.2f}x the floor of a client that keeps to the 10 requests/s quota"
        )
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

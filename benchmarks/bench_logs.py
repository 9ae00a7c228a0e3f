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
began = time.perf_counter()
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
print(f"elapsed {time.perf_counter() - began:.3f}", file=sys.stderr)  # the calls alone, imports left out
"""

VIEW_LOAD = r"""
import asyncio, json, os, sys, time
os.environ["TEXTUAL_ANIMATIONS"] = "none"
url, job, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
from smtui.app import SmtuiApp
from smtui.aws.resources import TRAINING
from smtui.aws.target import AwsTarget
from smtui.config import Settings
from smtui.screens.logs import LogScreen

def rss_mb():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6

async def main():
    target = AwsTarget(region="us-east-1", endpoint_url=url, access_key=os.environ["AWS_ACCESS_KEY_ID"],
                       secret_key=os.environ["AWS_SECRET_ACCESS_KEY"])
    app = SmtuiApp(settings=Settings(log_line_cap=max(n, 1000)), target=target)
    async with app.run_test(size=(160, 45)) as pilot:
        await app.get_aws()
        await pilot.pause()
        empty = rss_mb()
        t = time.perf_counter()
        screen = LogScreen(TRAINING, job)
        await app.push_screen(screen)
        while not (len(screen.view.lines) >= n and not screen.busy):
            if time.perf_counter() - t > 900:
                raise SystemExit(f"only {len(screen.view.lines):,} of {n:,} lines after 900 s")
            await asyncio.sleep(0.01)
        await pilot.pause()
        elapsed = time.perf_counter() - t
        print(f"elapsed {elapsed:.3f}", file=sys.stderr)
        print(json.dumps({"lines": len(screen.view.lines), "rss_mb": rss_mb(), "above_empty_mb": rss_mb() - empty}),
              file=sys.stderr)

asyncio.run(main())
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
    try:
        logs.create_log_group(logGroupName=GROUP)
    except logs.exceptions.ResourceAlreadyExistsException:
        pass
    rnd = random.Random(7)
    # every event in the past (CloudWatch refuses events over 2 hours ahead, or over 14 days old)
    step = max(1, min(100, 6_000_000 // max(1, per_stream)))
    start = int(time.time() * 1000) - per_stream * step - 60_000
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
            events.append({"timestamp": start + i * step + k, "message": msg})
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


def inner(cmd: list[str], extra_env: dict[str, str] | None = None) -> tuple[float, str]:
    """Run ``cmd``; the seconds it says it spent (its ``elapsed`` line on stderr), and its stderr."""
    e = env()
    if extra_env:
        e.update(extra_env)
    with open(os.devnull, "w") as null:
        r = subprocess.run(cmd, stdout=null, stderr=subprocess.PIPE, env=e, text=True)
    if r.returncode != 0:
        raise RuntimeError(f"{cmd[:4]} failed ({r.returncode}): {r.stderr[-2000:]}")
    line = next(ln for ln in r.stderr.splitlines() if ln.startswith("elapsed "))
    return float(line.split()[1]), r.stderr


def peak_rss_mb(cmd: list[str]) -> float:
    """The most resident memory ``cmd`` held (its VmHWM, read every 20 ms while it runs), output to /dev/null.

    Not ``ru_maxrss``: Linux carries the parent's high-water mark across fork and exec."""
    peak = 0
    with open(os.devnull, "w") as null:
        proc = subprocess.Popen(cmd, stdout=null, stderr=subprocess.DEVNULL, env=env())
        while proc.poll() is None:
            try:
                with open(f"/proc/{proc.pid}/status") as f:
                    for line in f:
                        if line.startswith("VmHWM:"):
                            peak = max(peak, int(line.split()[1]))
            except OSError:
                break
            time.sleep(0.02)
    if proc.wait() != 0:
        raise RuntimeError(f"{cmd[:4]} failed ({proc.returncode})")
    return peak / 1024  # KiB


def follow_rss(url: str, job: str, seconds: float, rate: int) -> tuple[list[tuple[float, float]], float]:
    """``smtui logs --follow`` while the job writes ``rate`` lines a second: (t, RSS MB) every 5 s, and the
    peak resident memory over the whole run (MB)."""
    import threading

    import boto3

    logs = boto3.client(
        "logs", region_name=REGION, endpoint_url=url, aws_access_key_id=KEY, aws_secret_access_key=SECRET
    )
    stream = f"{job}/algo-1-{int(time.time())}"
    logs.create_log_stream(logGroupName=GROUP, logStreamName=stream)
    stop = threading.Event()

    def write() -> None:
        n, next_at = 0, time.monotonic()
        while not stop.is_set():
            ts = int(time.time() * 1000)
            logs.put_log_events(
                logGroupName=GROUP,
                logStreamName=stream,
                logEvents=[
                    {"timestamp": ts, "message": f"[algo-1] followed step {n + k} loss=0.1234 lr=2e-05"}
                    for k in range(rate // 10)
                ],
            )
            n += rate // 10
            next_at += 0.1
            time.sleep(max(0.0, next_at - time.monotonic()))

    writer = threading.Thread(target=write, daemon=True)
    writer.start()
    cmd = [PY, "-m", "smtui", "--endpoint-url", url, "logs", "training", job, "--follow", "--since", "1m"]
    samples: list[tuple[float, float]] = []
    with open(os.devnull, "w") as null:
        proc = subprocess.Popen(cmd, stdout=null, stderr=subprocess.DEVNULL, env=env())
        t0 = time.monotonic()
        try:
            while time.monotonic() - t0 < seconds:
                time.sleep(5)
                with open(f"/proc/{proc.pid}/statm") as f:
                    samples.append(
                        (time.monotonic() - t0, int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6)
                    )
            with open(f"/proc/{proc.pid}/status") as f:  # the kernel's high-water mark over the whole run
                peak = next(
                    (int(line.split()[1]) * 1024 / 1e6 for line in f if line.startswith("VmHWM:")), 0.0
                )
        finally:
            stop.set()
            proc.send_signal(2)  # as ctrl+c; ignored when this benchmark was started in the background
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.terminate()
                proc.wait(timeout=30)
    return samples, peak


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--per-stream", type=int, default=25_000)
    p.add_argument("--skip-peers", action="store_true", help="only smtui and the two reference loops")
    p.add_argument("--no-sdk-sleep", action="store_true", help="also run the SDK without its 5 s first sleep")
    p.add_argument(
        "--only",
        choices=("peers", "view", "memory", "follow"),
        action="append",
        help="run only these parts (repeatable; default all but follow)",
    )
    p.add_argument(
        "--follow-seconds", type=float, default=120.0, help="how long --follow is watched (3600: an hour)"
    )
    args = p.parse_args()
    parts = set(args.only or ("peers", "view", "memory"))

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

        if "peers" in parts:
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
                    f"  run {run + 1}/{args.runs}: "
                    + ", ".join(f"{k} {v[-1]:.2f}s" for k, v in times.items()),
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

        if "view" in parts:
            view_cmd = [PY, "-c", VIEW_LOAD, url, job, str(total)]
            floor_cmd = [PY, "-c", PLAIN_HTTP, url, GROUP, job, "10"]
            view_t: list[float] = []
            floor_t: list[float] = []
            held = ""
            for run in range(args.runs):
                f, _ = inner(floor_cmd)
                v, err = inner(view_cmd)
                floor_t.append(f)
                view_t.append(v)
                held = err.strip().splitlines()[-1]
                print(
                    f"  view run {run + 1}/{args.runs}: quota floor {f:.2f}s, log view {v:.2f}s", flush=True
                )
            vm, fm = statistics.median(view_t), statistics.median(floor_t)
            print(
                f"\nloading {total:,} events into the log view (LogScreen: the newest first, every stream, "
                f"merged, de-duplicated, cleaned) vs the bare GetLogEvents calls paced at the quota "
                f"(10/s), medians of {args.runs} interleaved:"
            )
            print(
                f"  quota floor {fm:.2f}s   log view {vm:.2f}s   ratio {vm / fm:.2f}x (target <= 1.15x)   "
                f"run by run: {', '.join(f'{v / f:.2f}' for v, f in zip(view_t, floor_t, strict=True))}"
            )
            print(f"  the last run's view: {held}")

        if "memory" in parts:
            small = f"{job}-small"
            seed(url, small, max(1, args.per_stream // 10))
            cmd = [PY, "-m", "smtui", "--endpoint-url", url, "logs", "training"]
            peaks = {
                name: [peak_rss_mb([*cmd, name]) for _ in range(max(1, args.runs // 2))]
                for name in (small, job)
            }
            print(f"\nheadless smtui logs, peak resident memory (VmHWM, median of {max(1, args.runs // 2)}):")
            for name, n in ((small, 4 * max(1, args.per_stream // 10)), (job, total)):
                print(f"  {n:>9,} events   {statistics.median(peaks[name]):6.1f} MB")
            print("  (target: under 120 MB whatever the job's size)")

        if "follow" in parts:
            samples, peak_mb = follow_rss(url, job, args.follow_seconds, 1000)
            print(
                f"\nsmtui logs --follow for {args.follow_seconds:.0f} s while the job writes 1,000 lines/s "
                "(RSS every 5 s):"
            )
            for t, mb in samples[:: max(1, len(samples) // 12)]:
                print(f"  t={t:6.1f} s  RSS {mb:6.1f} MB")
            if len(samples) >= 4:
                half = len(samples) // 2
                print(
                    f"  median first half {statistics.median(m for _, m in samples[:half]):.1f} MB, second half "
                    f"{statistics.median(m for _, m in samples[half:]):.1f} MB, most {max(m for _, m in samples):.1f} MB"
                )
            print(
                f"  peak resident over the whole run (VmHWM): {peak_mb:.1f} MB (target: flat, under 120 MB)"
            )
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""`smtui logs` against the sandbox: interleaved, cleaned lines on stdout; clear failures."""

from __future__ import annotations

import json
import re

from support import TRAINING_GROUP, create_training_job, now_ms, put_lines, uid

from smtui.cli import build_parser
from smtui.config import Settings
from smtui.headless import logs as headless_logs

CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


async def run_logs(aws, capsys, *argv: str) -> tuple[int, str, str]:
    args = build_parser(["logs", *argv]).parse_args(["logs", *argv])
    rc = await headless_logs.run(args, aws, Settings())
    out, err = capsys.readouterr()
    return rc, out, err


async def test_prints_interleaved_lines_with_labels(sandbox, aws, capsys):
    job = uid("hl")
    create_training_job(sandbox, job, instances=3)
    base = now_ms() - 60_000
    for k in (1, 2):
        put_lines(
            sandbox,
            TRAINING_GROUP,
            f"{job}/algo-{k}-1700000000",
            [(base + 2 * i + k, f"step {i} on {k}") for i in range(50)],
        )
    rc, out, err = await run_logs(aws, capsys, "training", job, "--timestamps", "none")
    assert rc == 0
    lines = out.splitlines()
    assert len(lines) == 100
    assert lines[0] == "algo-1 step 0 on 1"
    assert lines[1] == "algo-2 step 0 on 2"
    assert lines[-1] == "algo-2 step 49 on 2"
    assert "not logged yet: algo-3" in err


async def test_source_filter_and_json(sandbox, aws, capsys):
    job = uid("hlj")
    create_training_job(sandbox, job)
    base = now_ms() - 60_000
    for k in (1, 2):
        put_lines(sandbox, TRAINING_GROUP, f"{job}/algo-{k}-1700000000", [(base + k, f"hello from {k}")])
    rc, out, _ = await run_logs(aws, capsys, "training", job, "--source", "algo-2", "--json")
    assert rc == 0
    rows = [json.loads(line) for line in out.splitlines()]
    assert [(r["source"], r["message"], r["timestamp"]) for r in rows] == [
        ("algo-2", "hello from 2", base + 2)
    ]


async def test_hostile_escapes_are_cleaned_and_long_lines_printed_whole(sandbox, aws, capsys):
    job = uid("hostile")
    create_training_job(sandbox, job)
    base = now_ms() - 60_000
    hostile = [
        "\x1b]0;pwned title\x07title",
        "\x1b[2J\x1b[Hcleared",
        "\x1b]52;c;Y2xpcGJvYXJk\x07clipboard",
        "\x1b]8;;http://evil.example\x1b\\link\x1b]8;;\x1b\\",
        "\x9b31mc1-csi\x9d0;x\x9c",
        "\x1b[31mred\x1b[0m ok",
        "tqdm 10%\r50%\r100%|##########|",
        "bell\x07 back\x08space del\x7f",
    ]
    big = "x" * (256 * 1024 - 10) + "END"
    put_lines(
        sandbox,
        TRAINING_GROUP,
        f"{job}/algo-1-1700000000",
        [(base + i, m) for i, m in enumerate(hostile)] + [(base + 100, big)],
    )
    for fmt in ((), ("--json",)):
        rc, out, _ = await run_logs(aws, capsys, "training", job, *fmt)
        assert rc == 0
        assert "\x1b" not in out and "\x9b" not in out and "\x07" not in out
        if fmt:
            messages = [json.loads(line)["message"] for line in out.splitlines()]
        else:
            assert not CONTROL.search(out.replace("\n", "").replace("\t", ""))
            messages = [line.split(" ", 2)[2] for line in out.splitlines()]
        assert messages[0] == "title"
        assert messages[1] == "cleared"
        assert messages[5] == "red ok"
        assert messages[6] == "100%|##########|"
        assert messages[-1] == big  # printed whole: 256 KB


async def test_missing_resource_fails_clearly(aws, capsys):
    rc, out, err = await run_logs(aws, capsys, "training", "no-such-job-xyz")
    assert rc == 1
    assert out == ""
    assert "training job 'no-such-job-xyz' does not exist" in err


async def test_bad_arguments(aws, capsys):
    rc, _, err = await run_logs(aws, capsys, "widgets", "x")
    assert rc == 2 and "unknown kind" in err
    rc, _, err = await run_logs(aws, capsys, "training", "no-such-job-xyz", "--since", "sometime")
    assert rc == 2 and "not a time" in err


async def test_since_parses_and_limits(sandbox, aws, capsys):
    job = uid("hls")
    now = now_ms()
    put_lines(
        sandbox,
        TRAINING_GROUP,
        f"{job}/algo-1-1700000000",
        [(now - 7_200_000, "old"), (now - 60_000, "recent")],
    )
    create_training_job(sandbox, job)
    rc, out, _ = await run_logs(
        aws, capsys, "training", job, "--since", "1h", "--timestamps", "none", "--no-labels"
    )
    assert rc == 0 and out.splitlines() == ["recent"]
    rc, _, err = await run_logs(aws, capsys, "training", job, "--since", "sometime")
    assert rc == 2 and "not a time" in err


async def test_endpoint_ping_lines_hidden_unless_asked(sandbox, aws, capsys):
    ep = uid("ep")
    _make_endpoint(sandbox, ep)
    t = now_ms() - 60_000
    ping = '10.0.0.1 - - [28/Nov/2026:00:00:01 +0000] "GET /ping HTTP/1.1" 200 0 "-" "AHC/2.0"'
    put_lines(
        sandbox,
        ENDPOINT_GROUP.format(ep),
        "AllTraffic/i-0abc",
        [(t, ping), (t + 1, "POST /invocations 200"), (t + 2, ping)],
    )
    rc, out, _ = await run_logs(aws, capsys, "endpoint", ep, "--timestamps", "none")
    assert rc == 0 and out.splitlines() == ["AllTraffic/i-0abc POST /invocations 200"]
    rc, out, _ = await run_logs(aws, capsys, "endpoint", ep, "--timestamps", "none", "--show-ping")
    assert len(out.splitlines()) == 3


ENDPOINT_GROUP = "/aws/sagemaker/Endpoints/{}"


def _make_endpoint(sandbox, name: str) -> None:
    sm = sandbox.boto3_client("sagemaker")
    sm.create_model(
        ModelName=f"{name}-model",
        ExecutionRoleArn="arn:aws:iam::123456789012:role/SageMakerExecutionRole",
        PrimaryContainer={"Image": "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1"},
    )
    sm.create_endpoint_config(
        EndpointConfigName=f"{name}-config",
        ProductionVariants=[
            {
                "VariantName": "AllTraffic",
                "ModelName": f"{name}-model",
                "InitialInstanceCount": 1,
                "InstanceType": "ml.m5.large",
            }
        ],
    )
    sm.create_endpoint(EndpointName=name, EndpointConfigName=f"{name}-config")


def test_follow_prints_new_lines_and_ctrl_c_exits_zero(sandbox):
    """The real command in a process, against the sandbox's endpoint: history, then a followed line, then
    SIGINT (Ctrl-C) ends it with status 0."""
    import os
    import signal
    import subprocess
    import sys
    import threading
    import time

    job = uid("follow")
    create_training_job(sandbox, job)
    t = now_ms()
    put_lines(sandbox, TRAINING_GROUP, f"{job}/algo-1-1700000000", [(t - 5000, "before")])
    env = dict(
        os.environ,
        AWS_ACCESS_KEY_ID="AKIAIOSFODNN7SANDBOX",
        AWS_SECRET_ACCESS_KEY="x",
        AWS_REGION=sandbox.region,
        PYTHONUNBUFFERED="1",
    )
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "smtui",
            "--endpoint-url",
            sandbox.url,
            "logs",
            "training",
            job,
            "--follow",
            "--timestamps",
            "none",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(iter(proc.stdout.readline, "")), daemon=True)
    reader.start()
    try:
        deadline = time.monotonic() + 30
        while "algo-1 before\n" not in lines:
            assert time.monotonic() < deadline and proc.poll() is None, proc.stderr.read()
            time.sleep(0.05)
        put_lines(sandbox, TRAINING_GROUP, f"{job}/algo-1-1700000000", [(now_ms(), "after")])
        while "algo-1 after\n" not in lines:
            assert time.monotonic() < deadline and proc.poll() is None, proc.stderr.read()
            time.sleep(0.05)
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=10) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
    assert lines.count("algo-1 before\n") == 1 and lines.count("algo-1 after\n") == 1


async def test_a_filter_that_matches_nothing_says_so_on_stderr(sandbox, aws, capsys):
    """The README's `--filter '"ERROR"' --json` against lines that say `error` in lower case: stdout stays
    empty (for scripts), stderr says no event matched, and between which times."""
    job = uid("nomatch")
    create_training_job(sandbox, job)
    base = now_ms() - 60_000
    put_lines(
        sandbox, TRAINING_GROUP, f"{job}/algo-1-1700000000", [(base, "error: lower case"), (base + 1, "ok")]
    )
    rc, out, err = await run_logs(aws, capsys, "training", job, "--filter", '"ERROR"', "--json")
    assert rc == 0 and out == ""
    assert 'no events matched "ERROR" between the start of the log and now' in err
    rc, out, err = await run_logs(aws, capsys, "training", job, "--filter", '"error"', "--since", "1h")
    assert rc == 0 and "error: lower case" in out and "no events" not in err
    rc, out, err = await run_logs(
        aws, capsys, "training", job, "--since", "2026-01-01", "--until", "2026-01-02"
    )
    assert out == "" and "no events between 2026-01-01 00:00:00 UTC and 2026-01-02 00:00:00 UTC" in err


async def test_an_unknown_source_is_named_with_the_known_ones(sandbox, aws, capsys):
    job = uid("nosrc")
    create_training_job(sandbox, job, instances=2)
    base = now_ms() - 60_000
    for k in (1, 2):
        put_lines(sandbox, TRAINING_GROUP, f"{job}/algo-{k}-1700000000", [(base + k, f"from {k}")])
    rc, out, err = await run_logs(aws, capsys, "training", job, "--source", "algo-9")
    assert rc == 1 and out == ""
    assert "no such source algo-9 (known: algo-1, algo-2)" in err
    rc, out, err = await run_logs(
        aws, capsys, "training", job, "--source", "algo-9,algo-2", "--timestamps", "none"
    )
    assert rc == 0 and out.splitlines() == ["algo-2 from 2"] and "no such source algo-9" in err


async def test_following_an_unknown_source_says_so_and_waits_for_it(sandbox, aws, capsys):
    import asyncio

    job = uid("nosrcf")
    create_training_job(sandbox, job)
    put_lines(sandbox, TRAINING_GROUP, f"{job}/algo-1-1700000000", [(now_ms() - 5000, "from 1")])
    args = build_parser(["logs", "training", job, "--follow", "--source", "algo-9"]).parse_args(
        ["logs", "training", job, "--follow", "--source", "algo-9", "--live-tail", "off"]
    )
    task = asyncio.create_task(headless_logs.run(args, aws, Settings()))
    err = ""
    try:
        for _ in range(400):
            err += capsys.readouterr().err
            if "following" in err and "no events" in err:
                break
            await asyncio.sleep(0.05)
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
    assert "no such source algo-9 yet; following in case it starts logging (known: algo-1)" in err
    assert "(so far; following)" in err


async def test_an_endpoint_that_failed_days_ago_shows_its_last_words_not_an_empty_hour(aws, capsys):
    """Its logs end when it failed: the default range is the hour before it last changed, not the last hour."""
    from smtui.sandbox.scenario.names import FAILED_ENDPOINT

    rc, out, err = await run_logs(aws, capsys, "endpoint", FAILED_ENDPOINT, "--timestamps", "none")
    assert rc == 0, err
    assert out.strip(), err

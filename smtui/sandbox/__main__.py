"""Run the sandbox standalone: ``python -m smtui.sandbox [--port N] [--seed default|empty] [--throttle]
[--no-driver] [--time-scale X] [--trail-delay SECONDS]``.

The first line of stdout is the endpoint URL (``http://127.0.0.1:PORT``), printed once the account is
seeded (until then the port answers 503 with Retry-After); the next says how to point boto3, the AWS CLI
or smtui at it. Runs until Ctrl-C or SIGTERM, then stops cleanly (exit status 0). Only the sandbox's own
fake credentials are ever printed.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        prog="python -m smtui.sandbox", description="A local fake AWS account for smtui, on 127.0.0.1."
    )
    p.add_argument("--port", type=int, default=0, help="port to listen on (default: a free one)")
    p.add_argument(
        "--seed",
        choices=("default", "empty"),
        default="default",
        help="default: the ml-team account with jobs, endpoints, logs and CloudTrail history",
    )
    p.add_argument(
        "--throttle",
        action="store_true",
        help="answer ThrottlingException above AWS's per-API quotas, as AWS does",
    )
    p.add_argument(
        "--no-driver",
        action="store_true",
        help="nothing moves: no lifecycles, no log lines, created resources keep the state moto gives them",
    )
    p.add_argument(
        "--time-scale",
        type=float,
        default=60.0,
        metavar="X",
        help="lifecycles take AWS's durations divided by X (default 60: minutes become seconds)",
    )
    p.add_argument(
        "--trail-delay",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help="CloudTrail shows a call this long after it is made (AWS: about 300)",
    )
    args = p.parse_args(argv)
    if args.time_scale <= 0:
        p.error("--time-scale must be positive")
    if args.trail_delay < 0:
        p.error("--trail-delay must not be negative")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    from smtui.sandbox.account import ADMIN_KEY, ADMIN_SECRET
    from smtui.sandbox.server import Sandbox

    stop = threading.Event()

    def on_signal(signum: int, frame: object) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    sb = Sandbox(
        port=args.port,
        seed=args.seed,
        throttle=args.throttle,
        driver=not args.no_driver,
        time_scale=args.time_scale,
        trail_delay=args.trail_delay,
    )
    try:
        sb.start()
    except OSError as exc:
        print(f"cannot listen on 127.0.0.1:{args.port}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    try:
        print(sb.url, flush=True)
        print(
            f"use: AWS_ACCESS_KEY_ID={ADMIN_KEY} AWS_SECRET_ACCESS_KEY={ADMIN_SECRET} "
            f"AWS_REGION={sb.region} then boto3 endpoint_url='{sb.url}', "
            f"aws --endpoint-url {sb.url} sagemaker list-training-jobs, or smtui --endpoint-url {sb.url} "
            "(Ctrl-C stops)",
            flush=True,
        )
        while not stop.wait(0.5):
            pass
    finally:
        sb.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Command line: parse options, then run the TUI or a headless subcommand.

Importing this module must stay cheap: Textual is imported only to run the app, and aiobotocore
only after the first frame (or by a headless subcommand).
"""

from __future__ import annotations

import argparse
import gc
import os
import re
import sys
from pathlib import Path

from smtui import __version__
from smtui.config import ConfigError, Settings, load_settings

NO_CREDENTIALS = (
    "smtui: no AWS credentials found. Use --profile NAME (or set AWS_PROFILE), "
    "or try the built-in sandbox with --demo."
)
NO_REGION = "smtui: no AWS region set. Use --region NAME (or set AWS_REGION), or put region in your profile."


def build_parser(argv: list[str] | None = None) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="smtui",
        description="A keyboard-driven terminal UI for Amazon SageMaker: endpoints and jobs, "
        "their live CloudWatch logs, and CloudTrail by sourceIdentity.",
        epilog="Press ? inside smtui for the keys of the screen you are on.",
    )
    p.add_argument("--profile", help="AWS profile (default: AWS_PROFILE or the settings file)")
    p.add_argument("--region", help="AWS region (default: AWS_REGION, AWS_DEFAULT_REGION or the profile's)")
    p.add_argument(
        "--endpoint-url",
        metavar="URL",
        help="an AWS-compatible endpoint for every service (default: AWS_ENDPOINT_URL)",
    )
    p.add_argument(
        "--demo",
        action="store_true",
        help="run against a built-in local sandbox account (needs the demo extra: pip install 'smtui[demo]')",
    )
    p.add_argument("--debug-log", metavar="FILE", help="write smtui's own debug log here (never credentials)")
    p.add_argument(
        "--trail-lake",
        metavar="EDS_ID",
        help="audit: run the sourceIdentity filter server-side in this CloudTrail Lake event data store",
    )
    p.add_argument(
        "--trail-log-group",
        metavar="NAME",
        help="audit: run the sourceIdentity filter server-side "
        "with Logs Insights on this CloudWatch Logs group that receives the trail",
    )
    p.add_argument("--version", action="version", version=f"smtui {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")
    from smtui.headless import register

    register(sub, sys.argv[1:] if argv is None else argv)
    return p


def _aws_config_files() -> list[Path]:
    home = Path.home()
    return [
        Path(os.environ.get("AWS_SHARED_CREDENTIALS_FILE", home / ".aws" / "credentials")).expanduser(),
        Path(os.environ.get("AWS_CONFIG_FILE", home / ".aws" / "config")).expanduser(),
    ]


def credentials_may_exist(profile: str | None) -> bool:
    """A cheap check, without importing botocore, for whether any credential source could exist.

    False only when botocore would certainly find nothing: no key variables, no credential
    process or container/web-identity variables, no shared files, and instance metadata disabled.
    The real resolution happens after the first frame.
    """
    env = os.environ
    if env.get("AWS_ACCESS_KEY_ID") and env.get("AWS_SECRET_ACCESS_KEY"):
        return True
    if any(
        env.get(v)
        for v in (
            "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
            "AWS_CONTAINER_CREDENTIALS_FULL_URI",
            "AWS_WEB_IDENTITY_TOKEN_FILE",
        )
    ):
        return True
    if any(f.is_file() for f in _aws_config_files()):
        return True
    return env.get("AWS_EC2_METADATA_DISABLED", "").lower() != "true" and not profile


def region_from_profile(profile: str | None) -> str | None:
    """The region configured for ``profile`` in ~/.aws/config, read without botocore."""
    import configparser

    cfg = configparser.RawConfigParser()
    try:
        cfg.read(_aws_config_files()[1])
    except configparser.Error:
        return None
    name = profile or os.environ.get("AWS_PROFILE") or "default"
    for section in (f"profile {name}", name):
        if cfg.has_section(section) and cfg.get(section, "region", fallback=None):
            return cfg.get(section, "region")
    return None


#: what AWS region names look like in every partition (us-east-1, us-gov-west-1, cn-north-1, eu-isoe-west-1);
#: checked without botocore, which start-up does not import
_REGION = re.compile(r"^[a-z]{2,4}(-[a-z]+)+-[0-9]{1,2}$")


def unknown_profile(profile: str) -> bool:
    """True when ``profile`` is in neither of the AWS config files (read without botocore)."""
    import configparser

    credentials, config = _aws_config_files()
    for path, sections in ((credentials, (profile,)), (config, (f"profile {profile}", profile))):
        cfg = configparser.RawConfigParser()
        try:
            cfg.read(path)
        except configparser.Error:
            return False  # a file botocore will complain about itself, with a better message
        if any(cfg.has_section(s) for s in sections):
            return False
    return True


def resolve_target(args: argparse.Namespace, settings: Settings):
    """Profile, region and endpoint from the command line, environment, settings and AWS config.

    Exits with status 2 and one sentence when credentials or a region are certainly missing.
    """
    from smtui.aws.target import AwsTarget

    if args.demo:
        return AwsTarget(region=args.region or "us-east-1")
    profile = args.profile or os.environ.get("AWS_PROFILE") or settings.profile
    region = (
        args.region
        or os.environ.get("AWS_REGION")
        or os.environ.get("AWS_DEFAULT_REGION")
        or settings.region
        or region_from_profile(profile)
    )
    endpoint = args.endpoint_url or os.environ.get("AWS_ENDPOINT_URL")
    if not credentials_may_exist(profile):
        sys.stderr.write(NO_CREDENTIALS + "\n")
        raise SystemExit(2)
    if not region:
        sys.stderr.write(NO_REGION + "\n")
        raise SystemExit(2)
    if not _REGION.match(region):
        sys.stderr.write(f"smtui: {region!r} is not an AWS region name (like us-east-1 or eu-west-2).\n")
        raise SystemExit(2)
    if args.profile and unknown_profile(args.profile):
        files = " or ".join(str(f) for f in _aws_config_files())
        sys.stderr.write(
            f"smtui: no profile named {args.profile!r} in {files}. "
            "Check the name (aws configure list-profiles), or leave out --profile.\n"
        )
        raise SystemExit(2)
    return AwsTarget(profile=profile, region=region, endpoint_url=endpoint)


#: The collector's thresholds for smtui's process (Python's defaults are 700, 10, 10). A session holds
#: hundreds of thousands of objects for good (listings, audit events, log lines, botocore's models) and
#: makes many that live for a second or two (rendered lines, pages being parsed). With the defaults those
#: reach the oldest generation and bring a full collection (150-250 ms with nothing else running) every
#: couple of seconds while a log follows at 1,000 lines/s; a larger first generation lets them die young.
#: `benchmarks/soak.py --duration 240 --hour`: main-screen key-to-frame p95 189 ms with the defaults, 45 ms
#: with these (docs/reliability.md).
GC_THRESHOLDS = (10_000, 10, 10)


def main(argv: list[str] | None = None) -> int:
    # No cyclic garbage collection until the first frame is drawn (the app turns it back on, see
    # SmtuiApp.after_first_frame): start-up allocates tens of thousands of objects that all stay alive,
    # and collecting them over and over cost about a tenth of the time to that frame.
    gc.disable()
    gc.set_threshold(*GC_THRESHOLDS)
    try:
        return _main(argv)
    finally:
        gc.enable()


def _main(argv: list[str] | None) -> int:
    args = build_parser(argv).parse_args(argv)
    try:
        settings = load_settings()
    except ConfigError as exc:
        sys.stderr.write(f"smtui: {exc}\n")
        return 2
    target = resolve_target(args, settings)
    if args.debug_log:
        from smtui.debuglog import setup_debug_log

        setup_debug_log(args.debug_log)
    if args.command:
        from smtui.headless import run

        gc.enable()
        return run(args, target, settings)
    from smtui.app import SmtuiApp

    app = SmtuiApp(settings=settings, target=target, demo=args.demo)
    app.options.update(trail_lake=args.trail_lake, trail_log_group=args.trail_log_group)
    app.run()
    return app.return_code or 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())

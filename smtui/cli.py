"""Command line: parse options, then run the TUI or a headless subcommand.

Global options (``--profile``, ``--region``, ``--demo``, ...) are accepted before or after the subcommand, as
the AWS CLI, kubectl and stern accept them: ``smtui logs training JOB --region us-east-1``. Shell completion
(subcommands, kinds, options and resource names) comes from argcomplete: see the README.

Importing this module must stay cheap: Textual is imported only to run the app, and aiobotocore
only after the first frame (or by a headless subcommand).
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
from typing import TYPE_CHECKING

from smtui import __version__
from smtui.config import ConfigError, Settings, load_settings

if TYPE_CHECKING:  # pragma: no cover
    from smtui.aws.target import AwsTarget


def add_global_options(parser: argparse.ArgumentParser, *, after_command: bool = False) -> None:
    """The options every command takes. After the subcommand they default to ``SUPPRESS``, so that one given
    there overrides the same option given before it, and one not given leaves the earlier value alone."""

    def default(value: object) -> object:
        return argparse.SUPPRESS if after_command else value

    group = parser.add_argument_group("AWS and smtui options (before or after the command)")
    group.add_argument(
        "--profile", default=default(None), help="AWS profile (default: AWS_PROFILE or the settings file)"
    )
    group.add_argument(
        "--region",
        default=default(None),
        help="AWS region (default: AWS_REGION, AWS_DEFAULT_REGION or the profile's)",
    )
    group.add_argument(
        "--endpoint-url",
        default=default(None),
        metavar="URL",
        help="an AWS-compatible endpoint for every service (default: AWS_ENDPOINT_URL)",
    )
    group.add_argument(
        "--demo",
        action="store_true",
        default=default(False),
        help="run against a built-in local sandbox account (needs the demo extra: pip install 'smtui[demo]')",
    )
    group.add_argument(
        "--debug-log",
        default=default(None),
        metavar="FILE",
        help="write smtui's own debug log here (never credentials)",
    )
    group.add_argument(
        "--trail-lake",
        default=default(None),
        metavar="EDS_ID",
        help="audit: run the sourceIdentity filter server-side in this CloudTrail Lake event data store",
    )
    group.add_argument(
        "--trail-log-group",
        default=default(None),
        metavar="NAME",
        help="audit: run the sourceIdentity filter server-side with Logs Insights on this CloudWatch Logs "
        "group that receives the trail",
    )
    group.add_argument(
        "--trail-athena",
        default=default(None),
        metavar="TABLE",
        help="audit: run the filters with Athena on this CloudTrail table ([DATABASE.]TABLE, as the CloudTrail "
        "console's 'Create Athena table' makes it): every account and region the trail's bucket holds, "
        "beyond 90 days",
    )
    group.add_argument(
        "--athena-workgroup",
        default=default(None),
        metavar="NAME",
        help="audit: the Athena workgroup of those queries (default: primary)",
    )
    group.add_argument(
        "--athena-output",
        default=default(None),
        metavar="S3_URI",
        help="audit: where Athena writes the queries' results, s3://bucket/prefix/ (default: the workgroup's)",
    )


def build_parser(argv: list[str] | None = None) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="smtui",
        description="A keyboard-driven terminal UI for Amazon SageMaker: endpoints and jobs, "
        "their live CloudWatch logs, and CloudTrail by sourceIdentity.",
        epilog="Press ? inside smtui for the keys of the screen you are on.",
    )
    add_global_options(p)
    p.add_argument("--version", action="version", version=f"smtui {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")
    from smtui.headless import register

    completing = "_ARGCOMPLETE" in os.environ
    register(
        sub,
        sys.argv[1:] if argv is None else argv,
        every=completing,
        options=lambda parser: add_global_options(parser, after_command=True),
    )
    return p


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
    parser = build_parser(argv)
    if "_ARGCOMPLETE" in os.environ:  # the shell asks for completions (argcomplete); exits when done
        import argcomplete

        argcomplete.autocomplete(parser)
    args = parser.parse_args(argv)
    try:
        settings = load_settings()
    except ConfigError as exc:
        sys.stderr.write(f"smtui: {exc}\n")
        return 2
    if args.trail_lake or args.trail_log_group or args.trail_athena:
        # a server-side trail named on the command line replaces the settings file's
        settings.trail_lake, settings.trail_log_group = args.trail_lake, args.trail_log_group
        settings.trail_athena = args.trail_athena
    settings.athena_workgroup = args.athena_workgroup or settings.athena_workgroup
    settings.athena_output = args.athena_output or settings.athena_output
    if settings.athena_output and not settings.athena_output.startswith("s3://"):
        sys.stderr.write(
            f"smtui: --athena-output must be an S3 location (s3://bucket/prefix/), not {settings.athena_output!r}\n"
        )
        return 2
    if settings.trail_athena:
        from smtui.aws.trail.athena_table import parse_table_name

        try:
            parse_table_name(settings.trail_athena)
        except ValueError as exc:
            sys.stderr.write(f"smtui: --trail-athena: {exc}\n")
            return 2
    from smtui.aws.target import AwsTarget, TargetError, resolve_target

    if args.demo:
        target = AwsTarget(region=args.region or "us-east-1")
    else:
        try:
            target = resolve_target(
                profile=args.profile,
                region=args.region,
                endpoint_url=args.endpoint_url,
                default_profile=settings.profile,
                default_region=settings.region,
            )
        except TargetError as exc:
            sys.stderr.write(f"{exc}\n")
            return 2
    if args.debug_log:
        from smtui.debuglog import setup_debug_log

        setup_debug_log(args.debug_log)
    if args.command:
        from smtui.headless import run

        gc.enable()
        return run(args, target, settings)
    return _run_app(settings, target, demo=args.demo)


def _run_app(settings: Settings, target: AwsTarget, *, demo: bool) -> int:
    from smtui.app import SmtuiApp

    app = SmtuiApp(settings=settings, target=target, demo=demo)
    app.run()
    return app.return_code or 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())

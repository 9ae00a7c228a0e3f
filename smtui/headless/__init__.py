"""Headless subcommands (``smtui logs``, ``smtui trail``): the same data layer, printed to stdout.

Each subcommand is a module with ``add_arguments(parser)`` and ``async run(args, aws, settings) -> int``.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import sys
from typing import Any

COMMANDS = {
    "logs": ("smtui.headless.logs", "print a resource's CloudWatch logs, interleaved and cleaned"),
    "trail": ("smtui.headless.trail", "print CloudTrail events, filtered by sourceIdentity and more"),
}


def register(sub: Any, argv: list[str]) -> None:
    """Add the subcommands; only the one named in ``argv`` imports its module (start-up stays cheap)."""
    for name, (module, help_text) in COMMANDS.items():
        parser = sub.add_parser(name, help=help_text, description=help_text)
        if name in argv:
            importlib.import_module(module).add_arguments(parser)


def run(args: argparse.Namespace, target: Any, settings: Any) -> int:
    module = importlib.import_module(COMMANDS[args.command][0])
    try:
        return asyncio.run(_run(module, args, target, settings))
    except KeyboardInterrupt:
        return 0
    except BrokenPipeError:
        return 0


async def _run(module: Any, args: argparse.Namespace, target: Any, settings: Any) -> int:
    from smtui.aws.errors import AwsError
    from smtui.aws.session import AwsSession

    sandbox = None
    if getattr(args, "demo", False):
        from smtui.sandbox import Sandbox

        sandbox = await asyncio.to_thread(lambda: Sandbox(driver=False).start())
        target = sandbox.target()
    aws = AwsSession(target)
    try:
        return await module.run(args, aws, settings)
    except AwsError as err:
        sys.stderr.write(f"smtui {args.command}: {err.details()}\n")
        return 1
    finally:
        await aws.close()
        if sandbox is not None:
            sandbox.stop()

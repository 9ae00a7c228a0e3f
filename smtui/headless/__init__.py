"""Headless subcommands (``smtui ls``, ``smtui describe``, ``smtui logs``, ``smtui trail``): the same data layer, printed to stdout.

Each subcommand is a module with ``add_arguments(parser)`` and ``async run(args, aws, settings) -> int``.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import sys
from collections.abc import Callable
from typing import Any

COMMANDS = {
    "ls": ("smtui.headless.ls", "list the resources of a kind, newest first (table or JSON)"),
    "describe": ("smtui.headless.describe", "print a resource's Describe answer (key: value lines or JSON)"),
    "logs": ("smtui.headless.logs", "print a resource's CloudWatch logs, interleaved and cleaned"),
    "trail": ("smtui.headless.trail", "print CloudTrail events, filtered by sourceIdentity and more"),
}


def register(
    sub: Any,
    argv: list[str],
    *,
    every: bool = False,
    options: Callable[[argparse.ArgumentParser], None] | None = None,
) -> None:
    """Add the subcommands. Only the one named in ``argv`` imports its module (start-up stays cheap), or
    ``every`` one (shell completion); ``options`` adds the global options to each, so that they may also
    come after the subcommand."""
    for name, (module, help_text) in COMMANDS.items():
        parser = sub.add_parser(name, help=help_text, description=help_text)
        if every or name in argv:
            importlib.import_module(module).add_arguments(parser)
            if every:  # completing: KIND and NAME complete to kind words and resource names
                from smtui.headless.complete import attach

                attach(parser)
        if options is not None:
            options(parser)


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
        status: int = await module.run(args, aws, settings)
        return status
    except AwsError as err:  # nothing tries again after a headless command: say what was tried
        sys.stderr.write(f"smtui {args.command}: {err.details(gave_up_after=aws.max_attempts)}\n")
        return 1
    finally:
        await aws.close()
        if sandbox is not None:
            sandbox.stop()

"""Shell completion (argcomplete) of what smtui's commands take: kind words and resource names.

``eval "$(register-python-argcomplete smtui)"`` in bash or zsh turns it on (README). Subcommands and options
come from the parser itself; a ``KIND`` argument completes to the registry's words, and a ``NAME`` argument
to the names of that kind's resources, listed from AWS with the options already on the line (``--profile``,
``--region``, ``--endpoint-url``, ``--demo``).
"""

from __future__ import annotations

import argparse
import asyncio
import re
from typing import Any

from smtui.aws.resources import KINDS, kind_for

#: NameContains takes letters, digits and hyphens
_NAME_PART = re.compile(r"^[A-Za-z0-9-]{1,63}$")


def kind_words(prefix: str, **_: Any) -> list[str]:
    """Every kind's key and aliases that start with ``prefix``."""
    words = [w for kind in KINDS for w in (kind.key, *kind.aliases)]
    return sorted({w for w in words if w.startswith(prefix.lower())})


def resource_names(prefix: str, parsed_args: argparse.Namespace, **_: Any) -> list[str]:
    """Names of the resources of the kind on the line that start with ``prefix`` (first 100 the List call gives)."""
    kind = kind_for(getattr(parsed_args, "kind", "") or "")
    if kind is None:
        return []
    try:
        return asyncio.run(_names(kind, prefix, parsed_args))
    except Exception:  # completion must never print a traceback into the shell
        return []


async def _names(kind: Any, prefix: str, args: argparse.Namespace) -> list[str]:
    from smtui.aws.listing import ServerFilter, iter_pages
    from smtui.aws.session import AwsSession
    from smtui.aws.target import AwsTarget, resolve_target
    from smtui.config import load_settings

    sandbox = None
    if getattr(args, "demo", False):
        from smtui.sandbox import Sandbox

        sandbox = Sandbox(driver=False).start()
        target = sandbox.target()
    else:
        settings = load_settings()
        target = resolve_target(
            profile=getattr(args, "profile", None),
            region=getattr(args, "region", None),
            endpoint_url=getattr(args, "endpoint_url", None),
            default_profile=settings.profile,
            default_region=settings.region,
        )
    aws = AwsSession(target if isinstance(target, AwsTarget) else AwsTarget(), max_attempts=1)
    flt = ServerFilter(name_contains=prefix) if _NAME_PART.match(prefix or "") else None
    try:
        async for summaries in iter_pages(aws, kind, flt):
            return sorted(n for n in (kind.name_of(s) for s in summaries) if n.startswith(prefix))
        return []
    finally:
        await aws.close()
        if sandbox is not None:
            sandbox.stop()


def attach(parser: argparse.ArgumentParser) -> None:
    """Give a subcommand's ``kind`` and ``name`` arguments their completers (argcomplete reads ``.completer``)."""
    for action in parser._actions:
        if action.dest == "kind":
            action.completer = kind_words  # type: ignore[attr-defined]
        elif action.dest == "name":
            action.completer = resource_names  # type: ignore[attr-defined]

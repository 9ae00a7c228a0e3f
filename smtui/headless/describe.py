"""``smtui describe KIND NAME``: a resource's Describe answer, as indented ``key: value`` lines or as JSON.

Times are ISO 8601 UTC, every string is cleaned of terminal control sequences, and a resource that does not
exist says so (status 1), as ``smtui logs`` does.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Mapping
from typing import Any

from smtui.aws.errors import AwsError
from smtui.headless.kinds import kind_words, plain, resolve


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("kind", metavar="KIND", help=f"one of {kind_words()} (or a plural, or a : alias)")
    parser.add_argument("name", metavar="NAME", help="the resource's name")
    parser.add_argument("--json", action="store_true", help="the Describe answer as JSON")


async def run(args: argparse.Namespace, aws: Any, settings: Any) -> int:
    kind = resolve("describe", args.kind)
    if kind is None:
        return 2
    try:
        answer = await aws.call("sagemaker", kind.describe_op, **kind.describe_params(args.name))
    except AwsError as err:
        if err.is_not_found:
            sys.stderr.write(
                f"smtui describe: {kind.singular} {args.name!r} does not exist in "
                f"{aws.region or 'this region'} ({err.one_line()})\n"
            )
            return 1
        raise
    doc = plain(answer)
    if args.json:
        json.dump(doc, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        sys.stdout.write("".join(lines(doc)))
    return 0


def lines(value: Any, indent: int = 0) -> list[str]:
    """YAML-like lines: ``Key: value``, nested maps indented, list items as ``- ``."""
    pad = "  " * indent
    out: list[str] = []
    if isinstance(value, Mapping):
        for k, v in value.items():
            if isinstance(v, (Mapping, list)) and v:
                out.append(f"{pad}{k}:\n")
                out.extend(lines(v, indent + 1))
            else:
                out.append(f"{pad}{k}: {_scalar(v)}\n")
    elif isinstance(value, list):
        for v in value:
            if isinstance(v, (Mapping, list)) and v:
                inner = lines(v, indent + 1)
                out.append(f"{pad}- {inner[0].lstrip()}")
                out.extend(inner[1:])
            else:
                out.append(f"{pad}- {_scalar(v)}\n")
    else:
        out.append(f"{pad}{_scalar(value)}\n")
    return out


def _scalar(v: Any) -> str:
    if v is None or v == {} or v == []:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    text = str(v)
    return text.replace("\n", "\\n")

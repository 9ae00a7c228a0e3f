"""Headless `smtui trail` (placeholder until its issue lands)."""

from __future__ import annotations

import argparse
import sys
from typing import Any


def add_arguments(parser: argparse.ArgumentParser) -> None:
    pass


async def run(args: argparse.Namespace, aws: Any, settings: Any) -> int:
    sys.stderr.write("smtui trail: not available yet\n")
    return 2

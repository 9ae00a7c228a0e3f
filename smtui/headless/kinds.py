"""What the headless commands share about kinds: the ``KIND`` argument, resolved against the registry with a
clear message, and AWS answers turned into plain JSON (times as ISO 8601, every string cleaned of terminal
control sequences)."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Mapping
from typing import Any

from smtui.aws.resources import KINDS, ResourceKind, kind_for
from smtui.text import clean


def kind_words() -> str:
    """``endpoint, training, ...``: the word of each kind, for help texts and messages."""
    return ", ".join(k.key for k in KINDS)


def resolve(command: str, word: str, *, logs: bool = False) -> ResourceKind | None:
    """The kind ``word`` names, or ``None`` after saying on stderr why not (unknown, or without logs)."""
    kind = kind_for(word)
    if kind is None:
        sys.stderr.write(f"smtui {command}: unknown kind {word!r} (use one of {kind_words()})\n")
        return None
    if logs and not kind.has_logs:
        with_logs = ", ".join(k.key for k in KINDS if k.has_logs)
        sys.stderr.write(
            f"smtui {command}: {kind.title.lower()} write no CloudWatch logs (these do: {with_logs})\n"
        )
        return None
    return kind


def plain(value: Any) -> Any:
    """An AWS answer as JSON values: datetimes in ISO 8601 UTC, strings cleaned, ``ResponseMetadata`` dropped."""
    if isinstance(value, Mapping):
        return {clean(k): plain(v) for k, v in value.items() if k != "ResponseMetadata"}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, dt.datetime):
        aware = value if value.tzinfo else value.replace(tzinfo=dt.UTC)
        return aware.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")
    if isinstance(value, str):
        return clean(value, newlines=True)
    if isinstance(value, bytes):
        return clean(value.decode("utf-8", "replace"))
    return value

"""The registry of the kinds of SageMaker resources smtui shows: each kind is one module of
:mod:`smtui.aws.kinds` (how to list and describe it, its columns, its logs, its hooks), listed here once.

The panes, the ``:`` words and their completion, the palette, the help, the headless commands, the rate
limits of the List calls, and the README's keys table and IAM policy (``python -m smtui.docs``) all follow
from this list: adding a kind is its module and one line here.
"""

from __future__ import annotations

from smtui.aws.kinds import (
    app,
    cluster,
    compilation,
    endpoint,
    labeling,
    notebook,
    processing,
    recommendation,
    training,
    transform,
    tuning,
)
from smtui.aws.kinds.base import ACTIVE, BAD, GOOD, STOPPED, Column, Related, ResourceKind, status_style

ENDPOINT = endpoint.KIND
TRAINING = training.KIND
PROCESSING = processing.KIND
TRANSFORM = transform.KIND

#: Every kind, in pane order (the first ones have number keys).
KINDS: tuple[ResourceKind, ...] = (
    ENDPOINT,
    TRAINING,
    PROCESSING,
    TRANSFORM,
    notebook.KIND,
    cluster.KIND,
    app.KIND,
    tuning.KIND,
    labeling.KIND,
    recommendation.KIND,
    compilation.KIND,
)
BY_KEY: dict[str, ResourceKind] = {k.key: k for k in KINDS}


def kind_for(word: str) -> ResourceKind | None:
    """The kind named by ``word`` (its key or any alias, case-insensitive), or ``None``."""
    w = word.strip().lower()
    for kind in KINDS:
        if w == kind.key or w in kind.aliases:
            return kind
    return None


__all__ = [
    "ACTIVE", "BAD", "BY_KEY", "ENDPOINT", "GOOD", "KINDS", "PROCESSING", "STOPPED", "TRAINING", "TRANSFORM",
    "Column", "Related", "ResourceKind", "kind_for", "status_style",
]  # fmt: skip

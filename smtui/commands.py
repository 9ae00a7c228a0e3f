"""The ``:`` command line's language, without Textual: pane words (every kind's key and aliases, from the
registry), ``audit``, ``q``, and an optional argument (``:tj llama`` filters the training pane by "llama";
``:audit alice`` picks alice's identity). Also the regions the palette offers.
"""

from __future__ import annotations

from dataclasses import dataclass

from smtui.aws.resources import KINDS, kind_for

#: the Audit pane's number key and words (the kinds' are in the registry)
AUDIT_KEY = "5"
AUDIT_WORDS = ("audit", "trail", "cloudtrail", "ct")
QUIT_WORDS = ("q", "quit", "exit")

#: Regions where SageMaker runs, offered by the command palette.
REGIONS = (
    "us-east-1", "us-east-2", "us-west-1", "us-west-2", "ca-central-1", "sa-east-1", "eu-west-1",
    "eu-west-2", "eu-west-3", "eu-central-1", "eu-central-2", "eu-north-1", "eu-south-1", "eu-south-2",
    "ap-south-1", "ap-south-2", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ap-southeast-1",
    "ap-southeast-2", "ap-southeast-3", "ap-southeast-4", "ap-east-1", "me-south-1", "me-central-1",
    "il-central-1", "af-south-1",
)  # fmt: skip


def command_words() -> list[str]:
    """Every word the command line accepts as a pane name, for completion."""
    words: list[str] = []
    for kind in KINDS:
        for w in (kind.key, *kind.aliases):
            if w not in words:
                words.append(w)
    return [*words, *AUDIT_WORDS, *QUIT_WORDS]


def pane_words() -> str:
    """The short names to suggest: ``ep, train, proc, ...``."""
    return ", ".join(k.aliases[0] if k.aliases else k.key for k in KINDS)


@dataclass(frozen=True)
class Command:
    """A parsed command line: ``pane`` is a kind key or ``"audit"``, ``arg`` an optional filter."""

    pane: str | None = None
    arg: str = ""
    quit: bool = False
    error: str = ""


def parse_command(text: str) -> Command:
    """``:ep``, ``:training``, ``:tj llama`` (pane, then a filter), ``:audit``, ``:q``."""
    text = text.strip().lstrip(":").strip()
    if not text:
        return Command()
    word, _, arg = text.partition(" ")
    lw = word.lower()
    if lw in QUIT_WORDS:
        return Command(quit=True)
    if lw in AUDIT_WORDS:
        return Command(pane="audit", arg=arg.strip())
    kind = kind_for(lw)
    if kind is None:
        return Command(error=f"unknown command {word!r}: try {pane_words()}, audit or q")
    return Command(pane=kind.key, arg=arg.strip())

"""The ``:`` command line (pane names and aliases, with completion) and the command palette provider
(jump to any loaded resource by name, switch pane, switch region or profile)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import partial
from typing import TYPE_CHECKING, Any, ClassVar

from textual.binding import Binding, BindingType
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.suggester import SuggestFromList
from textual.widgets import Input

from smtui.aws.resources import KINDS, kind_for
from smtui.text import clean

if TYPE_CHECKING:  # pragma: no cover
    from smtui.screens.main import MainScreen

AUDIT_WORDS = ("audit", "trail", "cloudtrail", "ct")
QUIT_WORDS = ("q", "quit", "exit")

#: Regions where SageMaker runs, offered by the command palette.
REGIONS = (
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
    "ca-central-1",
    "sa-east-1",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "eu-central-1",
    "eu-central-2",
    "eu-north-1",
    "eu-south-1",
    "eu-south-2",
    "ap-south-1",
    "ap-south-2",
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-northeast-3",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-southeast-3",
    "ap-southeast-4",
    "ap-east-1",
    "me-south-1",
    "me-central-1",
    "il-central-1",
    "af-south-1",
)


def command_words() -> list[str]:
    """Every word the command line accepts as a pane name, for completion."""
    words: list[str] = []
    for kind in KINDS:
        for w in (kind.key, *kind.aliases):
            if w not in words:
                words.append(w)
    return [*words, *AUDIT_WORDS, *QUIT_WORDS]


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
        names = ", ".join(k.aliases[0] if k.aliases else k.key for k in KINDS)
        return Command(error=f"unknown command {word!r}: try {names}, audit or q")
    return Command(pane=kind.key, arg=arg.strip())


class CommandLine(Input):
    """An Input with the pane names as suggestions; tab accepts the suggestion."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("tab", "complete", "Complete", show=False, id="command.complete"),
    ]

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            placeholder="pane: ep, training, processing, transform, audit (tab completes)",
            suggester=SuggestFromList(command_words(), case_sensitive=False),
            **kwargs,
        )

    def action_complete(self) -> None:
        if self._suggestion and len(self._suggestion) > len(self.value):
            self.value = self._suggestion
        self.cursor_position = len(self.value)


class SmtuiCommands(Provider):
    """Command palette: every loaded resource by name, the panes, regions and profiles."""

    def _main(self) -> MainScreen | None:
        from smtui.screens.main import MainScreen

        for screen in reversed(self.app.screen_stack):
            if isinstance(screen, MainScreen):
                return screen
        return None

    def _static_commands(self) -> list[tuple[str, Callable[[], Any], str]]:
        main = self._main()
        commands: list[tuple[str, Callable[[], Any], str]] = []
        if main is not None:
            for i, kind in enumerate(KINDS, 1):
                commands.append(
                    (f"Show {kind.title}", partial(main.show_pane_from_palette, kind.key), f"pane {i}")
                )
            commands.append(
                ("Show Audit", partial(main.show_pane_from_palette, "audit"), f"pane {len(KINDS) + 1}")
            )
        aws = getattr(self.app, "aws", None)
        if aws is not None:
            current = aws.region
            for region in REGIONS:
                if region != current:
                    commands.append(
                        (
                            f"Switch region: {region}",
                            partial(self._switch, region=region),
                            "reconnect in that region",
                        )
                    )
            try:
                profiles = list(aws.session.available_profiles)
            except Exception:
                profiles = []
            for profile in profiles:
                if profile != aws.target.profile:
                    commands.append(
                        (
                            f"Switch profile: {clean(profile)}",
                            partial(self._switch, profile=profile),
                            "reconnect with that profile",
                        )
                    )
        return commands

    def _switch(self, *, region: str | None = None, profile: str | None = None) -> None:
        app: Any = self.app
        aws = app.aws
        if aws is None:
            return
        target = aws.target
        if region:
            target = replace(target, region=region)
        if profile:
            target = replace(target, profile=profile, access_key=None, secret_key=None, session_token=None)
        app.run_worker(app.reconnect(target), name="reconnect", group="connect", exclusive=True)

    async def discover(self) -> Hits:
        for title, callback, help_text in self._static_commands():
            if title.startswith("Show"):
                yield DiscoveryHit(title, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, callback, help_text in self._static_commands():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), callback, help=help_text)
        main = self._main()
        if main is None:
            return
        q = query.strip().lower()
        for kind, name, status in main.all_resources():
            # cheap prefilter first: the fuzzy matcher costs ~10 us a name
            if q and not all(ch in name.lower() for ch in q.replace(" ", "")[:3]):
                continue
            label = f"{kind.singular}: {name}"
            score = matcher.match(label)
            if score > 0:
                yield Hit(
                    score,
                    matcher.highlight(label),
                    partial(main.open_resource, kind.key, name),
                    help=f"{status} · open its details",
                )

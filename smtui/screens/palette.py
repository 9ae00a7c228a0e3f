"""The command palette (ctrl+p): every loaded resource by name, the panes, other regions and profiles.

It knows screens only by what they can do (:class:`ResourceDirectory`) and drives them through their
actions, so it imports no screen."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from functools import partial
from typing import Any, Protocol, cast, runtime_checkable

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.screen import Screen

from smtui.aws.resources import KINDS, ResourceKind
from smtui.commands import AUDIT_KEY, REGIONS
from smtui.shell import shell
from smtui.text import clean


@runtime_checkable
class ResourceDirectory(Protocol):
    """A screen that holds the loaded resources (the main screen)."""

    def all_resources(self) -> Iterator[tuple[ResourceKind, str, str]]: ...


class SmtuiCommands(Provider):
    """Command palette: every loaded resource by name, the panes, regions and profiles."""

    def _directory(self) -> Screen[Any] | None:
        for screen in reversed(self.app.screen_stack):
            if isinstance(screen, ResourceDirectory):
                return cast(Screen[Any], screen)
        return None

    @staticmethod
    async def _run(screen: Screen[Any], action: str) -> None:
        await screen.run_action(action)

    def _static_commands(self) -> list[tuple[str, Callable[[], Any], str]]:
        screen = self._directory()
        commands: list[tuple[str, Callable[[], Any], str]] = []
        if screen is not None:
            panes = [(kind.key, kind.title, kind.pane_key or f":{kind.aliases[0]}") for kind in KINDS]
            for key, title, how in [*panes, ("audit", "Audit", AUDIT_KEY)]:
                commands.append(
                    (f"Show {title}", partial(self._run, screen, f"show_pane({key!r})"), f"key {how}")
                )
        aws = shell(self.app).aws
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
        app = shell(self.app)
        aws = app.aws
        if aws is None:
            return
        target = aws.target
        if region:
            target = replace(target, region=region)
        if profile:
            target = replace(target, profile=profile, access_key=None, secret_key=None, session_token=None)
        self.app.run_worker(app.reconnect(target), name="reconnect", group="connect", exclusive=True)

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
        screen = self._directory()
        if not isinstance(screen, ResourceDirectory):
            return
        q = query.strip().lower()
        for kind, name, status in screen.all_resources():
            # cheap prefilter first: the fuzzy matcher costs ~10 us a name
            if q and not all(ch in name.lower() for ch in q.replace(" ", "")[:3]):
                continue
            label = f"{kind.singular}: {name}"
            score = matcher.match(label)
            if score > 0:
                action = f"open_resource({kind.key!r}, {name!r})"
                yield Hit(
                    score,
                    matcher.highlight(label),
                    partial(self._run, screen, action),
                    help=f"{status} · open its details",
                )

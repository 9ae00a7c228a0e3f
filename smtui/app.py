"""The Textual app: a thin shell that owns the AWS session and the screens.

The first frame is drawn before aiobotocore (or, with ``--demo``, moto) is imported: :meth:`connect`
runs after it, in a worker, and panes wait on :meth:`SmtuiApp.get_aws`. Screens and widgets see the app
through :class:`smtui.shell.Shell` (``shell(self)``), and every worker failure anywhere comes to
:meth:`SmtuiApp.worker_failed`.
"""

from __future__ import annotations

import asyncio
import gc
import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual.app import App
from textual.binding import Binding
from textual.dom import DOMNode
from textual.screen import Screen
from textual.signal import Signal
from textual.worker import Worker

from smtui.aws.errors import AwsError
from smtui.config import Settings
from smtui.shell import ReportsFailures, ShowsErrors, as_aws_error

if TYPE_CHECKING:  # pragma: no cover
    from smtui.aws.session import AwsSession
    from smtui.aws.target import AwsTarget

log = logging.getLogger("smtui")


class SmtuiApp(ReportsFailures, App[None]):
    """smtui."""

    TITLE = "smtui"
    CSS_PATH = Path(__file__).parent / "styles" / "app.tcss"
    ENABLE_COMMAND_PALETTE = True
    BINDINGS = [
        Binding("question_mark", "help", "Help", id="app.help"),
        Binding("ctrl+c", "quit", "Quit", show=False, priority=True, id="app.quit"),
        Binding("ctrl+r", "reconnect", "Reload credentials", show=False, id="app.reconnect"),
    ]

    def __init__(
        self,
        settings: Settings | None = None,
        target: AwsTarget | None = None,
        *,
        demo: bool = False,
        aws: AwsSession | None = None,
        sandbox: Any = None,
    ) -> None:
        super().__init__()
        self.settings = settings or Settings()
        self.target = target
        self.demo = demo
        self.aws: AwsSession | None = aws
        self.sandbox = sandbox
        self._owns_sandbox = False
        self._aws_ready = asyncio.Event()
        self.connect_error: str | None = None
        #: published with the new AwsSession after credentials, profile or region change
        self.aws_changed: Signal[AwsSession] = Signal(self, "aws-changed")
        #: the session's notices (throttling, backing off), for the panes whose calls they concern
        self.aws_notice: Signal[str] = Signal(self, "aws-notice")
        self._expired_prompt: Screen[Any] | None = None
        if self.settings.theme:
            self.theme = self.settings.theme

    # ------------------------------------------------------------------ lifecycle
    def get_default_screen(self) -> Screen[Any]:
        from smtui.screens.main import MainScreen

        return MainScreen()

    def on_mount(self) -> None:
        if self.settings.keys:
            self.set_keymap(self.settings.keys)
        # Connect after the first frame: importing aiobotocore costs about half a second.
        self.call_after_refresh(self.after_first_frame)

    def after_first_frame(self) -> None:
        gc.enable()  # ``smtui.cli.main`` turns cyclic collection off until the first frame is drawn
        self._start_connect()

    def _start_connect(self) -> None:
        self.run_worker(self.connect, name="connect", group="connect", exclusive=True)

    async def connect(self) -> None:
        """Start the sandbox (demo), import aiobotocore, resolve credentials and region."""
        from smtui.aws.target import NO_CREDENTIALS, NO_REGION

        if self.aws is None:
            if self.demo and self.sandbox is None:
                self.notify("Starting the local sandbox account…", timeout=3)
                from smtui.sandbox import Sandbox

                self.sandbox = await asyncio.to_thread(lambda: Sandbox().start())
                self._owns_sandbox = True
            if self.sandbox is not None:
                self.target = self.sandbox.target()
            await asyncio.to_thread(__import__, "aiobotocore.session")
            from smtui.aws.session import AwsSession
            from smtui.aws.target import AwsTarget

            self.aws = AwsSession(self.target or AwsTarget())
        # panes that wait out expired credentials quietly (log follow) still bring up the prompt
        self.aws.on_expired = self.report_error
        self.aws.on_notice = self._session_notice
        try:
            creds = await self.aws.credentials()
        except AwsError as err:
            self.exit(return_code=2, message=f"smtui: {err.message}")
            return
        if creds is None:
            self.exit(return_code=2, message=NO_CREDENTIALS)
            return
        if not self.aws.region:
            self.exit(return_code=2, message=NO_REGION)
            return
        self.sub_title = ("demo · " if self.demo else "") + self.aws.target.describe()
        self._aws_ready.set()

    def _session_notice(self, message: str) -> None:
        self.aws_notice.publish(message)

    async def get_aws(self) -> AwsSession:
        """The connected session; waits until :meth:`connect` has finished."""
        await self._aws_ready.wait()
        assert self.aws is not None
        return self.aws

    @property
    def aws_ready(self) -> bool:
        return self._aws_ready.is_set()

    async def on_unmount(self) -> None:
        if self.aws is not None:
            await self.aws.close()
        if self._owns_sandbox and self.sandbox is not None:
            await asyncio.to_thread(self.sandbox.stop)

    # ------------------------------------------------------------------ errors and credentials
    def worker_failed(self, node: DOMNode, worker: Worker[Any]) -> None:
        """Every failed worker of every node comes here: shown where it happened, reported once."""
        exc = worker.error
        if exc is None:
            return
        err = as_aws_error(exc, worker.name or worker.group)
        if err.unexpected:
            log.error("worker %r of %s failed", worker.name, type(node).__name__, exc_info=exc)
        shown = False
        if isinstance(node, ShowsErrors) and node.is_attached:
            node.show_error(err, worker.group)
            shown = True
        self.report_error(err, shown=shown)

    def report_error(self, err: AwsError, *, shown: bool = True) -> None:
        """After a node has shown ``err`` in place (or not: ``shown=False``, then it is a notification).

        Expired credentials concern the whole app: one prompt says what to do, and after the user has
        refreshed them (``aws sso login``, new keys in the shared files) smtui picks them up without a
        restart.
        """
        if not shown:
            self.notify(err.details(), title=err.code, severity="error", timeout=10, markup=False)
        if err.is_expired and self._expired_prompt is None:
            from smtui.screens.credentials import ExpiredCredentialsScreen

            self._expired_prompt = ExpiredCredentialsScreen(err)

            def closed(retry: bool | None) -> None:
                self._expired_prompt = None
                if retry:
                    self.action_reconnect()

            self.push_screen(self._expired_prompt, closed)

    def show_error(self, err: AwsError, source: str = "") -> None:
        """The app's own workers (connect, reconnect) have no pane: their failures are notifications."""
        self.notify(err.details(), title=err.code, severity="error", timeout=10, markup=False)

    def action_reconnect(self) -> None:
        """Drop clients and read credentials again (ctrl+r), then tell every pane to reload."""
        self.run_worker(self.reconnect(), name="reconnect", group="connect", exclusive=True)

    async def reconnect(self, target: AwsTarget | None = None) -> None:
        """Read credentials again (ctrl+r), or switch to ``target`` (another region or profile)."""
        aws = await self.get_aws()
        changed = target is not None and target != aws.target
        await aws.refresh(target)
        try:
            creds = await aws.credentials()
        except AwsError as err:
            self.notify(err.details(), title="Credentials", severity="error", timeout=10, markup=False)
            return
        if creds is None:
            self.notify(
                "No credentials found yet: refresh them, then press ctrl+r.",
                title="Credentials",
                severity="error",
                timeout=10,
            )
            return
        self.sub_title = ("demo · " if self.demo else "") + aws.target.describe()
        if changed:
            self.notify(f"Now on {aws.target.describe()}.", timeout=3, markup=False)
        else:
            self.notify("Credentials reloaded.", timeout=3)
        self.aws_changed.publish(aws)

    # ------------------------------------------------------------------ actions
    def action_help(self) -> None:
        from smtui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

"""What screens and widgets may ask of the app, typed, and the one path every worker failure takes.

``shell(node)`` is the app as a :class:`Shell` (the settings, the AWS session, the signals, error reporting),
so no screen reaches into the app with ``getattr`` and none imports :mod:`smtui.app` (which imports the screens).

Every worker an smtui node starts goes through :class:`ReportsFailures`: it never ends the app, and when it
fails (an :class:`~smtui.aws.errors.AwsError`, or any other exception: a bug, an odd response) the app's
:meth:`Shell.worker_failed` turns the failure into the node's own in-place error display
(:meth:`ShowsErrors.show_error`), or a notification where the node has none, and logs the traceback. A pane
whose refresh failed that way keeps its refresh schedule, as it does after an AWS error.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol, cast, runtime_checkable

from textual.dom import DOMNode
from textual.worker import Worker, WorkerState, WorkType

from smtui.aws.errors import AwsError, from_exception

if TYPE_CHECKING:  # pragma: no cover
    from textual.signal import Signal

    from smtui.aws.session import AwsSession
    from smtui.config import Settings


class Shell(Protocol):
    """The app, as screens and widgets see it (implemented by :class:`smtui.app.SmtuiApp`)."""

    settings: Settings
    aws: AwsSession | None
    demo: bool
    #: published with the new session after credentials, profile or region changed
    aws_changed: Signal[AwsSession]
    #: the session's notices (throttling and backing off), one string each
    aws_notice: Signal[str]

    async def get_aws(self) -> AwsSession: ...

    @property
    def aws_ready(self) -> bool: ...

    def report_error(self, err: AwsError, *, shown: bool = True) -> None: ...

    def worker_failed(self, node: DOMNode, worker: Worker[Any]) -> None: ...

    async def reconnect(self, target: Any = None) -> None: ...


def shell(node: DOMNode) -> Shell:
    """``node``'s app as a :class:`Shell`."""
    return cast(Shell, node.app)


@runtime_checkable
class ShowsErrors(Protocol):
    """A node that shows its own failures in place (a pane's error state, a screen's error panel)."""

    def show_error(self, err: AwsError, source: str) -> None:
        """Show ``err`` in place; ``source`` is the failed worker's group (which of the node's jobs failed)."""
        ...


def as_aws_error(exc: BaseException, where: str = "") -> AwsError:
    """Any failure as an :class:`AwsError` to show: AWS's own errors as they are, anything else (a bug in
    smtui, a response it could not read) with its type, message and where it happened."""
    if isinstance(exc, AwsError):
        return exc
    response = getattr(exc, "response", None)
    if isinstance(response, dict):  # a botocore ClientError raised outside AwsSession.call
        return from_exception(exc)
    err = from_exception(exc, operation=where)
    err.unexpected = True
    return err


class ReportsFailures(DOMNode):
    """Mixed into every smtui widget and screen that runs workers: failures take the one error path."""

    def run_worker(
        self,
        work: WorkType[Any],
        name: str | None = "",
        group: str = "default",
        description: str = "",
        exit_on_error: bool = True,
        start: bool = True,
        exclusive: bool = False,
        thread: bool = False,
    ) -> Worker[Any]:
        # smtui's workers never end the session, whatever ``exit_on_error`` says (``@work`` passes True):
        # a failure is shown where it happened, by on_worker_state_changed
        return super().run_worker(work, name, group, description, False, start, exclusive, thread)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        # (StateChanged does not bubble: it comes only to the node that started the worker)
        if event.state == WorkerState.ERROR:
            shell(self).worker_failed(self, event.worker)

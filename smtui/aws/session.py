"""One aiobotocore session for the whole app, one cached client per service, closed on exit.

aiobotocore (and botocore under it) cost about half a second to import, so nothing here imports
them at module level: the first frame is drawn before :meth:`AwsSession.client` is first awaited.

Every HTTP attempt passes botocore's ``before-send`` hook, where it waits for a token of the shared
:class:`~smtui.aws.ratelimit.RateLimiter`; ``needs-retry`` tells the limiter about throttling, so the
retries botocore makes itself are paced too. Throttling that outlasts botocore's own attempts is
retried here with backoff, and reported through ``on_notice`` so the pane can say it is backing off.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import random
import time
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from typing import Any

from smtui import __version__
from smtui.aws.errors import THROTTLING_CODES, AwsError, from_exception
from smtui.aws.ratelimit import RateLimiter
from smtui.aws.target import AwsTarget

#: botocore's hyphenated service ids that differ from the client name
_SERVICE_KEYS = {"cloudwatch-logs": "logs"}

#: operations that are read-only by name; smtui never sends anything else (see tests)
READ_PREFIXES = (
    "List",
    "Describe",
    "Get",
    "Filter",
    "Lookup",
    "Search",
    "BatchGet",
    "StartLiveTail",
    "StartQuery",
    "StopQuery",
)


Notice = Callable[[str], None]


@functools.cache
def _shared_loader(data_path: str | None) -> Any:
    """One botocore data loader for every session of the process. Each session otherwise reads and parses the
    endpoint rules and each service's model (megabytes of JSON) again: a tenth of a second or more per
    session, paid by every headless command, every credentials refresh and every test. The loader only
    caches what it read from botocore's data files, which nothing changes."""
    from botocore.loaders import create_loader

    return create_loader(data_path)


def parse_timestamp(value: Any) -> datetime:
    """Timestamps from responses as UTC datetimes that share one tzinfo.

    botocore's default parser gives every epoch timestamp (all of SageMaker's and CloudTrail's) a tzinfo of
    its own, a ``dateutil.tz.tzlocal()`` instance the garbage collector tracks: three of them per job in a
    10,000-job listing. Timestamps that are not numbers (ISO 8601 strings) go to botocore's parser.
    """
    if isinstance(value, (int, float)):
        return datetime.fromtimestamp(value, UTC)
    try:
        return datetime.fromtimestamp(float(value), UTC)
    except (TypeError, ValueError):
        from botocore.utils import parse_timestamp as botocore_parse

        parsed: datetime = botocore_parse(value)
        return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


class AwsSession:
    """The app's access to AWS. Use :meth:`call` and :meth:`pages`; close with :meth:`close`."""

    def __init__(
        self,
        target: AwsTarget,
        limiter: RateLimiter | None = None,
        *,
        max_attempts: int = 3,
        throttle_retries: int = 6,
        connect_timeout: float = 5.0,
        read_timeout: float = 30.0,
    ) -> None:
        self.target = target
        self.limiter = limiter or RateLimiter()
        self.max_attempts = max_attempts
        self.throttle_retries = throttle_retries
        self.connect_timeout = connect_timeout
        self.read_timeout = read_timeout
        self._session: Any = None
        self._clients: dict[str, Any] = {}
        self._stack: contextlib.AsyncExitStack | None = None
        self._lock = asyncio.Lock()
        self._refreshed: asyncio.Event | None = None
        #: how many times :meth:`refresh` has run: a retry notes it before its attempt (see :meth:`pause`)
        self.refreshes = 0
        #: told each notice (throttling, backing off); the app republishes them as a Textual signal
        self.on_notice: Notice | None = None
        self._throttle_notified: dict[str, float] = {}
        #: called with every AwsError that ``call`` raises for expired credentials, wherever it was made
        #: (the app turns it into its one prompt, so a pane that retries quietly still tells the user)
        self.on_expired: Callable[[AwsError], None] | None = None

    # ------------------------------------------------------------------ session and clients
    def _make_session(self) -> Any:
        from aiobotocore.session import get_session

        session = get_session()
        session.register_component("data_loader", _shared_loader(session.get_config_variable("data_path")))
        session.get_component("response_parser_factory").set_parser_defaults(timestamp_parser=parse_timestamp)
        if self.target.profile:
            session.set_config_variable("profile", self.target.profile)
        if self.target.region:
            session.set_config_variable("region", self.target.region)
        if self.target.access_key and self.target.secret_key:
            session.set_credentials(self.target.access_key, self.target.secret_key, self.target.session_token)
        return session

    @property
    def session(self) -> Any:
        if self._session is None:
            self._session = self._make_session()
        return self._session

    @property
    def region(self) -> str | None:
        return self.target.region or self.session.get_config_variable("region")

    async def credentials(self) -> Any:
        """The resolved credentials, or ``None`` when there are none."""
        try:
            return await self.session.get_credentials()
        except Exception as exc:  # a broken profile, SSO token missing, ...
            raise from_exception(exc) from exc

    async def client(self, service: str) -> Any:
        """The cached client for ``service`` (``sagemaker``, ``logs``, ``cloudtrail``, ...)."""
        client = self._clients.get(service)
        if client is not None:
            return client
        async with self._lock:
            client = self._clients.get(service)
            if client is not None:
                return client
            from aiobotocore.config import AioConfig

            config = AioConfig(
                retries={"mode": "standard", "total_max_attempts": self.max_attempts},
                connect_timeout=self.connect_timeout,
                read_timeout=self.read_timeout,
                max_pool_connections=32,
                user_agent_extra=f"smtui/{__version__}",
                # without this, StartLiveTail against a custom endpoint goes to stream-127.0.0.1
                inject_host_prefix=not self.target.endpoint_url,
            )
            if self._stack is None:
                self._stack = contextlib.AsyncExitStack()
            kwargs: dict[str, Any] = {"config": config}
            if self.target.endpoint_url:
                kwargs["endpoint_url"] = self.target.endpoint_url
            if self.target.region:
                kwargs["region_name"] = self.target.region
            client = await self._stack.enter_async_context(self.session.create_client(service, **kwargs))
            assert client is not None
            events = client.meta.events
            events.register("before-send", self._before_send)
            events.register("needs-retry", self._needs_retry)
            self._clients[service] = client
            return client

    @staticmethod
    def _key(event_name: str) -> str:
        # "before-send.cloudwatch-logs.GetLogEvents" -> "logs.GetLogEvents"
        _, service, op = event_name.split(".", 2)
        return f"{_SERVICE_KEYS.get(service, service)}.{op}"

    async def _before_send(self, event_name: str, **_: Any) -> None:
        await self.limiter.acquire(self._key(event_name))

    def _needs_retry(self, event_name: str, response: Any = None, **_: Any) -> None:
        if response is None:
            return None
        parsed = response[1] if isinstance(response, tuple) and len(response) > 1 else {}
        code = (parsed.get("Error") or {}).get("Code") if isinstance(parsed, dict) else None
        key = self._key(event_name)
        if code in THROTTLING_CODES:
            self.limiter.throttled(key)
            now = time.monotonic()
            if now - self._throttle_notified.get(key, -10.0) >= 2.0:  # say it, but not on every attempt
                self._throttle_notified[key] = now
                rate = self.limiter.bucket(key).rate
                self.notify(f"{key.split('.', 1)[1]} throttled by AWS: slowing down to {rate:.1f} requests/s")
        elif code is None:
            self.limiter.succeeded(key)
        return None

    async def close(self) -> None:
        """Close every client (their HTTP connection pools)."""
        stack, self._stack = self._stack, None
        self._clients.clear()
        if stack is not None:
            with contextlib.suppress(Exception):
                await stack.aclose()

    async def refresh(self, target: AwsTarget | None = None) -> None:
        """Drop clients and the session so the next call reads credentials (and region) afresh.

        The session goes first: a call made while the old clients close already gets a new client."""
        if target is not None:
            self.target = target
        self._session = None
        self.refreshes += 1
        await self.close()
        # wake whatever is waiting out a failure: with new credentials it can try again now
        if self._refreshed is not None:
            self._refreshed.set()
            self._refreshed = None

    async def pause(self, seconds: float, *, since: int | None = None) -> None:
        """Sleep ``seconds`` (a retry's backoff), or less: :meth:`refresh` ends every pause at once.

        ``since`` is :attr:`refreshes` as it was when the failed attempt began. If a refresh has run since,
        the failure was the old credentials' and the pause ends at once: an attempt still in flight when the
        user refreshed fails after the refresh, and would otherwise wait out its whole backoff (up to half a
        minute) with good credentials."""
        if since is not None and since != self.refreshes:
            return
        if self._refreshed is None:
            self._refreshed = asyncio.Event()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._refreshed.wait(), seconds)

    # ------------------------------------------------------------------ calls
    def notify(self, message: str) -> None:
        if self.on_notice is not None:
            with contextlib.suppress(Exception):
                self.on_notice(message)

    async def call(self, service: str, operation: str, /, **params: Any) -> dict[str, Any]:
        """Call ``operation`` (snake_case, as on the client) and return its response.

        Raises :class:`AwsError` for every failure, with code, message and request id.
        """
        try:
            client = await self.client(service)
        except Exception as exc:
            raise from_exception(exc, service=service, operation=operation) from exc
        method = getattr(client, operation)
        api_name = client.meta.method_to_api_mapping.get(operation, operation)
        attempt = 0
        while True:
            try:
                response: dict[str, Any] = await method(**params)
                return response
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                err = from_exception(exc, service=service, operation=api_name)
                if err.is_throttling and attempt < self.throttle_retries:
                    attempt += 1
                    delay = min(20.0, 0.5 * 2**attempt) * (0.5 + random.random() / 2)
                    self.notify(f"{api_name} throttled: backing off {delay:.1f}s (retry {attempt})")
                    await asyncio.sleep(delay)
                    continue
                if err.is_expired and self.on_expired is not None:
                    with contextlib.suppress(Exception):
                        self.on_expired(err)
                raise err from exc

    async def pages(
        self,
        service: str,
        operation: str,
        /,
        *,
        token_in: str = "NextToken",
        token_out: str = "NextToken",
        **params: Any,
    ) -> AsyncIterator[dict[str, Any]]:
        """Yield every page of a paginated call, following ``token_out`` until it is missing or repeats.

        A short or empty page that carries a token is normal (ListTrainingJobs applies MaxResults
        before its filters): paging goes on.
        """
        seen: set[str] = set()
        while True:
            page = await self.call(service, operation, **params)
            yield page
            token = page.get(token_out)
            if not token or token in seen:
                return
            seen.add(token)
            params[token_in] = token


def is_read_only(operation: str) -> bool:
    """True for operation names smtui may send (List*, Describe*, Get*, ...)."""
    return operation.startswith(READ_PREFIXES)


__all__ = ["AwsError", "AwsSession", "AwsTarget", "is_read_only"]

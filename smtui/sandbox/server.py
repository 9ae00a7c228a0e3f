"""The sandbox server: moto's WSGI app on 127.0.0.1 in a thread, wrapped by the fidelity layer.

``Sandbox(...).start()`` serves moto's ``DomainDispatcherApplication`` behind
:class:`~smtui.sandbox.middleware.SandboxMiddleware` (readiness, request log, throttling at the real
quotas, session expiry, the lifecycles, CloudTrail recording, AWS-shaped authorisation errors) with moto's
responses patched where moto differs from AWS (:mod:`smtui.sandbox.patches`). Until its seed is in, it
answers every request but its own with HTTP 503 and Retry-After, so no client sees half an account.

moto's backends are process-global: two ``Sandbox`` objects in one process share the same account
(resources, IAM users) and so the same CloudTrail history (one recorder per region, like CloudTrail's
event history); each has its own request log and throttling buckets. Tests that need an account of
their own use another region.
"""

from __future__ import annotations

import logging
import os
import secrets
import threading
from collections import deque
from collections.abc import Callable
from typing import Any

from smtui.sandbox import lifecycle
from smtui.sandbox import recorder as _recorder
from smtui.sandbox.account import (  # noqa: F401 - the account's constants, also reached through here
    ACCOUNT_ID,
    ADMIN_KEY,
    ADMIN_SECRET,
    ADMIN_USER,
    EXECUTION_ROLE,
    REGION,
    SAGEMAKER_SERVICE,
    SAGEMAKER_SERVICE_KEY,
    role_arn,
)
from smtui.sandbox.clock import DEFAULT_SCALE, Clock
from smtui.sandbox.credentials import Credentials
from smtui.sandbox.identity import Identity
from smtui.sandbox.middleware import SandboxMiddleware
from smtui.sandbox.recorder import Recorder
from smtui.sandbox.requestlog import RequestRecord
from smtui.sandbox.requestlog import count as _count
from smtui.sandbox.requestlog import max_per_second as _max_per_second

#: how many requests the request log keeps
REQUEST_LOG_SIZE = 200_000
Seed = Callable[["Sandbox"], Any]


def _seed_named(name: str) -> Seed | None:
    if name == "default":
        return _seed_default
    return None


def _seed_default(sb: Any) -> None:
    """The team's account, then the organisation's trail in S3 and its Athena table (issue 14)."""
    from smtui.sandbox import org_trail
    from smtui.sandbox.scenario import seed_default

    seed_default(sb)
    org_trail.seed(sb)


class Sandbox(Credentials):
    """A local AWS account on 127.0.0.1. Use as ``sb = Sandbox().start()`` ... ``sb.stop()``.

    - ``seed``: ``"default"`` (the team-account scenario), ``"empty"``, or a function of the sandbox.
    - ``driver``: the world moves: resources run their lifecycles on the compressed clock and the default
      scenario's people keep working (``False``: nothing changes unless a client changes it; created
      resources keep the state moto gives them, for tests that set every status themselves).
    - ``time_scale``: AWS seconds per sandbox second in lifecycles (:class:`~smtui.sandbox.clock.Clock`).
    - ``trail_delay``: seconds before a recorded call shows in LookupEvents (AWS: about five minutes).
    - ``throttle``: answer ThrottlingException above the real per-API quotas (also :meth:`set_throttle`).
    - ``iam``: enforce IAM policies after seeding (also :meth:`enable_iam_auth`); process-wide while on.
    """

    def __init__(
        self,
        *,
        port: int = 0,
        seed: str | Seed = "default",
        throttle: bool = False,
        driver: bool | Callable[[Sandbox], Any] = True,
        region: str = REGION,
        iam: bool = False,
        time_scale: float = DEFAULT_SCALE,
        trail_delay: float = 0.0,
    ) -> None:
        if isinstance(seed, str) and seed not in ("default", "empty"):
            raise ValueError(f"unknown seed {seed!r}: use 'default' or 'empty'")
        if trail_delay < 0:
            raise ValueError("trail_delay must not be negative")
        self.port = port
        self.seed = seed
        self.throttle = throttle
        self.driver_enabled = bool(driver)
        self._driver_factory = driver if callable(driver) else None
        self.region = region
        self.iam = iam
        self.account_id = ACCOUNT_ID
        self.clock = Clock(time_scale)
        self.trail_delay = trail_delay
        #: what the sandbox's own clients carry (see middleware.TOKEN_HEADER)
        self.token = secrets.token_hex(16)
        #: the sandbox's CloudTrail (see :class:`~smtui.sandbox.recorder.Recorder`)
        self.recorder: Recorder = _recorder.for_account(ACCOUNT_ID, region)
        self.recorder.register(ADMIN_KEY, Identity.user(ADMIN_USER, ACCOUNT_ID))
        self.recorder.register(SAGEMAKER_SERVICE_KEY, Identity.service(SAGEMAKER_SERVICE, ACCOUNT_ID))
        #: every request answered, oldest first (bounded)
        self.requests: deque[RequestRecord] = deque(maxlen=REQUEST_LOG_SIZE)
        self.driver: Any = None
        #: the lifecycles of this region while the driver is on
        self.engine: lifecycle.Engine | None = None
        self.scenario: Any = None
        self._middleware: SandboxMiddleware | None = None
        self._server: Any = None
        self._thread: threading.Thread | None = None
        self._iam_previous: float | None = None
        self._expired: set[str] = set()
        self._started = False

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def running(self) -> bool:
        return self._server is not None

    # ------------------------------------------------------------------ lifecycle
    def start(self) -> Sandbox:
        """Serve (503 to everyone else until seeded), seed (once), then start the driver; returns self.
        Starting a running sandbox does nothing."""
        if self._server is not None:
            return self
        os.environ.setdefault("AWS_EC2_METADATA_DISABLED", "true")
        # werkzeug logs every request to stderr, which would scribble over the TUI
        logging.getLogger("werkzeug").setLevel(logging.ERROR)
        os.environ.setdefault("MOTO_ALLOW_NONEXISTENT_REGION", "true")
        if self._middleware is None:
            from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app

            from smtui.sandbox import patches

            patches.apply()
            self._middleware = SandboxMiddleware(
                DomainDispatcherApplication(create_backend_app),
                recorder=self.recorder,
                requests=self.requests,
                region=self.region,
                account_id=ACCOUNT_ID,
                clock=self.clock,
                token=self.token,
            )
            self._middleware.expired = set(self._expired)
        if self.driver_enabled:
            self.engine = lifecycle.install(ACCOUNT_ID, self.region, self.clock, self.engine)
        self._middleware.ready = self._started
        self._serve()
        try:
            if not self._started:
                self._started = True
                seed = _seed_named(self.seed) if isinstance(self.seed, str) else self.seed
                if seed is not None:
                    seed(self)
            if self.iam:
                self.enable_iam_auth()
            self.set_throttle(self.throttle)
        finally:
            self._middleware.ready = True
        self.recorder.delay = self.trail_delay
        self.recorder.clock = self.clock.time
        if self.driver_enabled and self.driver is None:
            self._start_driver()
        return self

    def _start_driver(self) -> None:
        if self._driver_factory is not None:
            self.driver = self._driver_factory(self)
        elif self.scenario is not None:  # else nobody to act: only the lifecycles run
            from smtui.sandbox.driver import start

            self.driver = start(self)

    def _serve(self) -> None:
        from moto.moto_server.werkzeug_app import MotoRequestHandler
        from werkzeug.serving import make_server

        assert self._middleware is not None
        self._server = make_server(
            "127.0.0.1", self.port, self._middleware, threaded=True, request_handler=MotoRequestHandler
        )
        self.port = self._server.server_address[1]
        # a short poll interval keeps stop() and restart() quick
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.1},
            name="smtui-sandbox",
            daemon=True,
        )
        self._thread.start()

    def _shutdown(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def stop(self) -> None:
        """Stop serving, stop the driver and the lifecycles, and put IAM enforcement back as it was."""
        stop = getattr(self.driver, "stop", None)
        if callable(stop):
            stop()
        self.driver = None
        if self.engine is not None:  # kept: start() again resumes its lifecycles
            lifecycle.uninstall(ACCOUNT_ID, self.region)
        self._restore_iam_auth()
        self._shutdown()

    def restart(self, down_for: float = 0.0) -> Sandbox:
        """Stop listening and listen again on the same port, with the same data (moto's state and the
        recorder live in this process). For ``down_for`` seconds in between, connections are refused.
        (``stop()`` then ``start()`` does the same and also stops and restarts the driver.)"""
        self._shutdown()
        if down_for > 0:
            threading.Event().wait(down_for)
        self._serve()
        return self

    def __enter__(self) -> Sandbox:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def recorder_for(self, region: str) -> Recorder:
        """The CloudTrail recorder of another region (calls signed for it are recorded there)."""
        return _recorder.for_account(ACCOUNT_ID, region)

    # ------------------------------------------------------------------ throttling and the request log
    def set_throttle(self, on: bool) -> None:
        """Answer ThrottlingException above the real quotas (on) or never (off). Buckets start full."""
        self.throttle = on
        if self._middleware is not None:
            self._middleware.reset_buckets()
            self._middleware.throttle = on

    def count(self, service: str, operation: str | None = None, *, throttled: bool | None = None) -> int:
        """How many requests of ``service`` (client name: sagemaker, logs, cloudtrail, cloudwatch, sts)
        and ``operation`` the sandbox saw; ``throttled=False`` counts only those it let through."""
        return _count(self.requests, service, operation, throttled=throttled)

    def max_per_second(self, service: str, operation: str, *, include_throttled: bool = False) -> int:
        """The most requests of one operation accepted within any one second."""
        return _max_per_second(self.requests, service, operation, include_throttled=include_throttled)

    # ------------------------------------------------------------------ clients
    def target(self, creds: dict[str, str] | None = None) -> Any:
        """An :class:`~smtui.aws.session.AwsTarget` on the sandbox: the admin, or ``creds``
        (as returned by :meth:`studio_credentials` / :meth:`create_user_with_policy`)."""
        from smtui.aws.session import AwsTarget

        if creds:
            return AwsTarget(
                region=self.region,
                endpoint_url=self.url,
                access_key=creds["aws_access_key_id"],
                secret_key=creds["aws_secret_access_key"],
                session_token=creds.get("aws_session_token"),
            )
        return AwsTarget(
            region=self.region, endpoint_url=self.url, access_key=ADMIN_KEY, secret_key=ADMIN_SECRET
        )

    def boto3_client(self, service: str, *, quiet: bool = False, **creds: Any) -> Any:
        """A boto3 client on the sandbox, for seeding and for tests that play another tool. It carries the
        sandbox's token, so it is answered while the sandbox seeds; ``quiet`` clients write as SageMaker
        itself would (the seed's logs and metrics), which CloudTrail does not record."""
        import boto3
        from botocore.config import Config

        client = boto3.client(
            service,
            region_name=self.region,
            endpoint_url=self.url,
            aws_access_key_id=creds.get("aws_access_key_id", ADMIN_KEY),
            aws_secret_access_key=creds.get("aws_secret_access_key", ADMIN_SECRET),
            aws_session_token=creds.get("aws_session_token"),
            config=Config(
                retries={"mode": "standard", "total_max_attempts": 2},
                inject_host_prefix=False,
                parameter_validation=creds.get("parameter_validation", True),
            ),
        )
        headers = {"x-smtui-sandbox-token": self.token}
        if quiet:
            headers["x-smtui-sandbox-quiet"] = self.token

        def add_headers(request: Any, **_: Any) -> None:
            for k, v in headers.items():
                request.headers[k] = v

        client.meta.events.register("before-sign", add_headers)
        return client

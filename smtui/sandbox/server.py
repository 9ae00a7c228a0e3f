"""The sandbox server: moto's WSGI app on 127.0.0.1 in a thread, wrapped by the fidelity layer.

``Sandbox(...).start()`` serves moto's ``DomainDispatcherApplication`` behind
:class:`~smtui.sandbox.middleware.SandboxMiddleware` (request log, throttling at the real quotas,
CloudTrail recording, AWS-shaped authorisation errors) with moto's responses patched where moto
differs from AWS (:mod:`smtui.sandbox.patches`).

moto's backends are process-global: two ``Sandbox`` objects in one process share the same account
(resources, IAM users) and so the same CloudTrail history (one recorder per region, like CloudTrail's
event history); each has its own request log and throttling buckets. Tests that need an account of
their own use another region.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from collections import deque
from typing import Any

from smtui.sandbox import recorder as _recorder
from smtui.sandbox.middleware import RequestRecord, SandboxMiddleware
from smtui.sandbox.middleware import count as _count
from smtui.sandbox.middleware import max_per_second as _max_per_second
from smtui.sandbox.recorder import Identity, Recorder

ACCOUNT_ID = "123456789012"
REGION = "us-east-1"
#: The sandbox's admin credentials (moto accepts any; these are the seed's and the demo's).
ADMIN_KEY = "AKIAIOSFODNN7SANDBOX"
ADMIN_SECRET = "sandbox-secret-not-a-real-key"
ADMIN_USER = "sandbox-admin"
#: how many requests the request log keeps
REQUEST_LOG_SIZE = 200_000


class Sandbox:
    """A local AWS account on 127.0.0.1. Use as ``sb = Sandbox().start()`` ... ``sb.stop()``.

    - ``seed``: ``"default"`` (the team-account scenario) or ``"empty"``.
    - ``throttle``: answer ThrottlingException above the real per-API quotas (also :meth:`set_throttle`).
    - ``iam``: enforce IAM policies after seeding (also :meth:`enable_iam_auth`); process-wide while on.
    - ``driver``: run the scenario driver (with the default seed).
    """

    def __init__(
        self,
        *,
        port: int = 0,
        seed: str = "default",
        throttle: bool = False,
        driver: bool = True,
        region: str = REGION,
        iam: bool = False,
    ) -> None:
        if seed not in ("default", "empty"):
            raise ValueError(f"unknown seed {seed!r}: use 'default' or 'empty'")
        self.port = port
        self.seed = seed
        self.throttle = throttle
        self.driver_enabled = driver
        self.region = region
        self.iam = iam
        self.account_id = ACCOUNT_ID
        #: the sandbox's CloudTrail (see :class:`~smtui.sandbox.recorder.Recorder`)
        self.recorder: Recorder = _recorder.for_account(ACCOUNT_ID, region)
        self.recorder.register(ADMIN_KEY, Identity.user(ADMIN_USER, ACCOUNT_ID))
        #: every request answered, oldest first (bounded)
        self.requests: deque[RequestRecord] = deque(maxlen=REQUEST_LOG_SIZE)
        self.driver: Any = None
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
        """Serve, seed (once), start the driver; returns self. Starting a running sandbox does nothing."""
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
            )
            self._middleware.expired = set(self._expired)
        self._serve()
        if not self._started:
            self._started = True
            if self.seed == "default":
                from smtui.sandbox.scenario import seed_default

                seed_default(self)
                from smtui.sandbox import (
                    org_trail,
                )  # the organisation trail in S3 and its Athena table (issue 14)

                org_trail.seed(self)
        if self.iam:
            self.enable_iam_auth()
        if self.seed == "default" and self.driver is None:
            self._start_driver()
        self.set_throttle(self.throttle)
        return self

    def _start_driver(self) -> None:
        if not self.driver_enabled:
            return
        try:
            from smtui.sandbox import driver as driver_module
        except ImportError:
            return
        start = getattr(driver_module, "start", None)
        if callable(start):
            self.driver = start(self)

    def _serve(self) -> None:
        from moto.moto_server.werkzeug_app import MotoRequestHandler
        from werkzeug.serving import make_server

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
        """Stop serving, stop the driver, and put IAM enforcement back as it was."""
        stop = getattr(self.driver, "stop", None)
        if callable(stop):
            stop()
        self.driver = None
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

    # ------------------------------------------------------------------ fault injection
    def expire_credentials(self, access_key: str | None = None) -> None:
        """From now on, answer every call signed with ``access_key`` (every key when ``None``) as AWS answers
        an expired session: HTTP 400 ``ExpiredTokenException`` "The security token included in the request is
        expired" (``ExpiredToken`` from STS, IAM and CloudWatch), until :meth:`restore_credentials`."""
        self._expired.add(access_key or "*")
        if self._middleware is not None:
            self._middleware.expired = set(self._expired)

    def restore_credentials(self, access_key: str | None = None) -> None:
        """Undo :meth:`expire_credentials` for ``access_key`` (every key when ``None``)."""
        if access_key is None:
            self._expired.clear()
        else:
            self._expired.discard(access_key)
        if self._middleware is not None:
            self._middleware.expired = set(self._expired)

    # ------------------------------------------------------------------ IAM enforcement
    def enable_iam_auth(self) -> None:
        """Make moto authorise every request against IAM policies (process-wide, until
        :meth:`disable_iam_auth` or :meth:`stop`; :meth:`start` turns it on again). The admin key stays
        allowed everything, as the IAM user ``sandbox-admin``. Call it after seeding."""
        from moto import settings

        self.iam = True
        self._ensure_admin_user()
        if self._iam_previous is None:
            self._iam_previous = settings.INITIAL_NO_AUTH_ACTION_COUNT
        settings.INITIAL_NO_AUTH_ACTION_COUNT = 0
        if self._middleware is not None:
            self._middleware.iam = True

    def disable_iam_auth(self) -> None:
        """Stop enforcing IAM: moto's setting goes back to what it was before :meth:`enable_iam_auth`."""
        self.iam = False
        self._restore_iam_auth()

    def _restore_iam_auth(self) -> None:
        from moto import settings

        if self._iam_previous is not None:
            settings.INITIAL_NO_AUTH_ACTION_COUNT = self._iam_previous
            self._iam_previous = None
        if self._middleware is not None:
            self._middleware.iam = False

    def _ensure_admin_user(self) -> None:
        """An IAM user owning the admin key, allowed everything (moto's key ids are random, so the key is
        put into moto's IAM backend directly)."""
        from moto.iam.models import AccessKey, iam_backends

        backend = iam_backends[ACCOUNT_ID]["aws"]
        user = backend.users.get(ADMIN_USER)
        if user is None:
            iam = self.boto3_client("iam")
            iam.create_user(UserName=ADMIN_USER)
            iam.put_user_policy(
                UserName=ADMIN_USER,
                PolicyName="sandbox-admin-all",
                PolicyDocument=json.dumps(
                    {
                        "Version": "2012-10-17",
                        "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}],
                    }
                ),
            )
            user = backend.users[ADMIN_USER]
        if not any(k.access_key_id == ADMIN_KEY for k in user.access_keys):
            key = AccessKey(ADMIN_USER, prefix="AKIA", account_id=ACCOUNT_ID)
            key.access_key_id = ADMIN_KEY
            key.secret_access_key = ADMIN_SECRET
            user.access_keys.append(key)

    def create_user_with_policy(self, name: str, policy_document: dict[str, Any] | str) -> dict[str, str]:
        """An IAM user with one inline policy; returns its credentials as ``boto3_client``/``target`` take
        them (``aws_access_key_id``, ``aws_secret_access_key``). Its calls are recorded as that user."""
        iam = self.boto3_client("iam")
        document = policy_document if isinstance(policy_document, str) else json.dumps(policy_document)
        iam.create_user(UserName=name)
        iam.put_user_policy(UserName=name, PolicyName=f"{name}-policy", PolicyDocument=document)
        key = iam.create_access_key(UserName=name)["AccessKey"]
        self.recorder.register(key["AccessKeyId"], Identity.user(name, ACCOUNT_ID))
        return {"aws_access_key_id": key["AccessKeyId"], "aws_secret_access_key": key["SecretAccessKey"]}

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

    def boto3_client(self, service: str, **creds: Any) -> Any:
        """A boto3 client on the sandbox, for seeding and for tests that play another tool."""
        import boto3
        from botocore.config import Config

        return boto3.client(
            service,
            region_name=self.region,
            endpoint_url=self.url,
            aws_access_key_id=creds.get("aws_access_key_id", ADMIN_KEY),
            aws_secret_access_key=creds.get("aws_secret_access_key", ADMIN_SECRET),
            aws_session_token=creds.get("aws_session_token"),
            config=Config(retries={"mode": "standard", "total_max_attempts": 2}, inject_host_prefix=False),
        )

    def studio_credentials(
        self, source_identity: str, role: str = "SageMakerExecutionRole"
    ) -> dict[str, str]:
        """Credentials of a Studio user: AssumeRole on the shared execution role with SourceIdentity,
        as SageMaker does when a domain's ExecutionRoleIdentityConfig is USER_PROFILE_NAME."""
        sts = self.boto3_client("sts")
        creds = sts.assume_role(
            RoleArn=f"arn:aws:iam::{ACCOUNT_ID}:role/{role}",
            RoleSessionName=source_identity,
            SourceIdentity=source_identity,
        )["Credentials"]
        return {
            "aws_access_key_id": creds["AccessKeyId"],
            "aws_secret_access_key": creds["SecretAccessKey"],
            "aws_session_token": creds["SessionToken"],
        }

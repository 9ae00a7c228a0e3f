"""The sandbox server: moto's WSGI app on 127.0.0.1 in a thread, wrapped by the fidelity layer."""

from __future__ import annotations

import logging
import os
import threading
from typing import Any

ACCOUNT_ID = "123456789012"
REGION = "us-east-1"
#: The sandbox's admin credentials (moto accepts any; these are the seed's and the demo's).
ADMIN_KEY = "AKIAIOSFODNN7SANDBOX"
ADMIN_SECRET = "sandbox-secret-not-a-real-key"


class Sandbox:
    """A local AWS account on 127.0.0.1. Use as ``sb = Sandbox().start()`` ... ``sb.stop()``."""

    def __init__(self, *, port: int = 0, seed: str = "default", throttle: bool = False,
                 driver: bool = True, region: str = REGION) -> None:
        self.port = port
        self.seed = seed
        self.throttle = throttle
        self.driver_enabled = driver
        self.region = region
        self._server: Any = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> Sandbox:
        os.environ.setdefault("AWS_EC2_METADATA_DISABLED", "true")
        # werkzeug logs every request to stderr, which would scribble over the TUI
        logging.getLogger("werkzeug").setLevel(logging.ERROR)
        os.environ.setdefault("MOTO_ALLOW_NONEXISTENT_REGION", "true")
        from moto.moto_server.werkzeug_app import (
            DomainDispatcherApplication,
            MotoRequestHandler,
            create_backend_app,
        )
        from werkzeug.serving import make_server

        from smtui.sandbox import patches

        patches.apply()
        app = DomainDispatcherApplication(create_backend_app)
        self._server = make_server("127.0.0.1", self.port, app, threaded=True,
                                   request_handler=MotoRequestHandler)
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, name="smtui-sandbox", daemon=True)
        self._thread.start()
        if self.seed == "default":
            from smtui.sandbox.scenario import seed_default

            seed_default(self)
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def target(self) -> Any:
        from smtui.aws.session import AwsTarget

        return AwsTarget(region=self.region, endpoint_url=self.url, access_key=ADMIN_KEY,
                         secret_key=ADMIN_SECRET)

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

    def studio_credentials(self, source_identity: str, role: str = "SageMakerExecutionRole") -> dict[str, str]:
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

    def __enter__(self) -> Sandbox:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

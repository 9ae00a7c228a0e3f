"""Shared fixtures: one sandbox for the session, reached over HTTP on 127.0.0.1 like a user's AWS."""

from __future__ import annotations

import os

# Loopback only: with no credentials botocore would otherwise probe the instance-metadata address.
os.environ["AWS_EC2_METADATA_DISABLED"] = "true"
os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")
for _var in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_ENDPOINT_URL", "NO_COLOR"):
    os.environ.pop(_var, None)
os.environ["AWS_CONFIG_FILE"] = os.devnull
os.environ["AWS_SHARED_CREDENTIALS_FILE"] = os.devnull
os.environ["XDG_CONFIG_HOME"] = os.path.join(os.path.dirname(__file__), "_no_config")

import pytest  # noqa: E402

from smtui.sandbox import Sandbox  # noqa: E402


@pytest.fixture(scope="session")
def sandbox():
    """The seeded default sandbox, shared by the whole test session. Do not mutate seeded resources;
    create your own with unique names when a test needs to change something."""
    sb = Sandbox(seed="default", driver=False).start()
    yield sb
    sb.stop()


@pytest.fixture
async def aws(sandbox):
    """An AwsSession on the shared sandbox, closed after the test."""
    from smtui.aws.session import AwsSession

    session = AwsSession(sandbox.target())
    yield session
    await session.close()

"""Shared fixtures: one seeded sandbox for the session, reached over HTTP on 127.0.0.1 like a user's AWS, and
sandboxes of a test module's own, each in regions that no other module uses.

moto's state is process-global and regional. The seeded account in us-east-1 (``sandbox``) is shared by every
test: do not change its seeded resources (create your own with :func:`support.uid` names). A test that changes
state (deletes things, turns on IAM, expires keys, counts every resource of a pane) uses ``own_sandbox``: its
regions belong to its module alone, handed out by :class:`RegionPool`.

The suite runs in two pytest-xdist workers (the README's command): each is a process of its own, with its own
moto state, seeded sandbox and region pool, so what is said above holds within a worker.
"""

from __future__ import annotations

import os

# Loopback only: with no credentials botocore would otherwise probe the instance-metadata address.
os.environ["AWS_EC2_METADATA_DISABLED"] = "true"
os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")
# COLUMNS and LINES: pytest-xdist sets them (80x24) in its workers, and a child smtui would take them as its size
for _var in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_ENDPOINT_URL", "NO_COLOR", "COLUMNS", "LINES"):
    os.environ.pop(_var, None)
os.environ["AWS_CONFIG_FILE"] = os.devnull
os.environ["AWS_SHARED_CREDENTIALS_FILE"] = os.devnull
os.environ["XDG_CONFIG_HOME"] = os.path.join(os.path.dirname(__file__), "_no_config")

from collections.abc import Callable, Iterator  # noqa: E402
from typing import Any  # noqa: E402

import pytest  # noqa: E402

from smtui.sandbox import Sandbox  # noqa: E402

#: the seeded account's region, shared by every test
SHARED_REGION = "us-east-1"
#: regions handed to test modules, one module each (moto serves SageMaker, Logs and CloudTrail in all of them)
POOL = (
    "us-east-2", "us-west-1", "us-west-2", "ca-central-1", "ca-west-1", "sa-east-1", "mx-central-1",
    "eu-west-1", "eu-west-2", "eu-west-3", "eu-central-1", "eu-central-2", "eu-north-1", "eu-south-1",
    "eu-south-2", "il-central-1", "me-south-1", "me-central-1", "af-south-1", "ap-east-1", "ap-east-2",
    "ap-south-1", "ap-south-2", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ap-southeast-1",
    "ap-southeast-2", "ap-southeast-3", "ap-southeast-4", "ap-southeast-5", "ap-southeast-6", "ap-southeast-7",
)  # fmt: skip


class RegionPool:
    """Regions for state-changing tests: ``(module, name)`` always gets the same region, and no region is
    ever given to two modules (or to two names), so no test sees another module's resources."""

    def __init__(self, regions: tuple[str, ...] = POOL) -> None:
        self._free = list(regions)
        self._given: dict[tuple[str, str], str] = {}

    def region(self, module: str, name: str = "") -> str:
        key = (module, name)
        if key not in self._given:
            if not self._free:
                raise RuntimeError(f"no region left for {module} {name!r}: every region of the pool is taken")
            self._given[key] = self._free.pop(0)
        return self._given[key]

    def release(self, module: str) -> None:
        """The module has finished: its regions are forgotten (a new account's again) and join the end of
        the pool, after the regions never used, so that there are never too few for the modules to come."""
        from smtui.sandbox.regions import forget_region

        for key in [k for k in self._given if k[0] == module]:
            region = self._given.pop(key)
            forget_region(region)
            self._free.append(region)


_POOL = RegionPool()


@pytest.fixture(scope="module", autouse=True)
def _regions_back_to_the_pool(request: pytest.FixtureRequest) -> Iterator[None]:
    """After a module (and its sandboxes) has finished, its regions go back to the pool, forgotten."""
    yield
    _POOL.release(request.module.__name__)


@pytest.fixture(scope="session")
def sandbox() -> Iterator[Sandbox]:
    """The seeded default sandbox, shared by the whole test session. Do not mutate seeded resources;
    create your own with unique names when a test needs to change something."""
    sb = Sandbox(seed="default", driver=False).start()
    yield sb
    sb.stop()


@pytest.fixture
async def aws(sandbox: Sandbox) -> Any:
    """An AwsSession on the shared sandbox, closed after the test."""
    from smtui.aws.session import AwsSession

    session = AwsSession(sandbox.target())
    yield session
    await session.close()


@pytest.fixture
def own_region(request: pytest.FixtureRequest) -> Callable[[str], str]:
    """``own_region(name="")``: a region of this test module's own (the same one for the same name)."""
    module = request.module.__name__
    return lambda name="": _POOL.region(module, name)


@pytest.fixture
def own_sandbox(own_region: Callable[[str], str]) -> Iterator[Callable[..., Sandbox]]:
    """``own_sandbox(name="", **kw)``: a started sandbox (empty seed, no driver by default) in a region of
    this module's own; the same ``name`` in the same module is the same account. Stopped after the test."""
    made: list[Sandbox] = []

    def make(name: str = "", **kw: Any) -> Sandbox:
        kw.setdefault("seed", "empty")
        kw.setdefault("driver", False)
        sb = Sandbox(region=own_region(name), **kw).start()
        made.append(sb)
        return sb

    yield make
    for sb in made:
        sb.stop()


@pytest.fixture(scope="module")
def module_sandbox(request: pytest.FixtureRequest) -> Iterator[Sandbox]:
    """One empty sandbox for the whole module, in a region of the module's own."""
    sb = Sandbox(seed="empty", driver=False, region=_POOL.region(request.module.__name__, "module")).start()
    yield sb
    sb.stop()

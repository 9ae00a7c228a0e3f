"""The embedded local AWS: moto's server, a fidelity layer, resource lifecycles, a CloudTrail recorder and
a scenario.

``Sandbox(...).start()`` serves on 127.0.0.1 (a free port by default); ``python -m smtui.sandbox``
runs it standalone and prints its endpoint URL. Importing this package imports nothing else: moto and
botocore load when a Sandbox is made (``from smtui.sandbox import Sandbox`` resolves it then).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from smtui.sandbox.server import Sandbox

__all__ = ["Sandbox"]


def __getattr__(name: str) -> Any:
    if name == "Sandbox":
        from smtui.sandbox.server import Sandbox

        return Sandbox
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

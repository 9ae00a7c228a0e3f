"""The embedded local AWS: moto's server, a fidelity layer, a CloudTrail recorder and a scenario.

``Sandbox(...).start()`` serves on 127.0.0.1 (a free port by default); ``python -m smtui.sandbox``
runs it standalone and prints its endpoint URL.
"""

from smtui.sandbox.server import Sandbox

__all__ = ["Sandbox"]

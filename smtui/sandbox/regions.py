"""Forgetting a region: every moto backend of the account in that region back to new, and the fidelity
layer's state of that region (the CloudTrail recorder, user profiles, lifecycles, the seed) dropped.

The test suite hands each test module regions of its own; with more modules than regions, a region whose
module has finished is forgotten and handed out again, so no module ever sees another's resources.
Only for a region no running sandbox serves.
"""

from __future__ import annotations

from typing import Any

from smtui.sandbox import fidelity_profiles, lifecycle, recorder
from smtui.sandbox.account import ACCOUNT_ID
from smtui.sandbox.scenario import seed

#: the regional services the sandbox serves (IAM and S3 are global in moto: they are not forgotten)
SERVICES = ("sagemaker", "sagemaker-runtime", "logs", "cloudtrail", "cloudwatch", "sts", "athena", "events")


def forget_region(region: str, account_id: str = ACCOUNT_ID) -> list[str]:
    """Reset ``region`` of ``account_id`` to a new account's; the names of the moto services reset."""
    import sys

    from moto.backends import get_backend

    reset: list[str] = []
    for service in SERVICES:
        if f"moto.{service.replace('-', '')}" not in sys.modules:
            continue  # never imported: it holds no state
        backends: Any = get_backend(service)  # type: ignore[call-overload]
        regions = backends[account_id]
        if region in regions.keys():
            regions[region].reset()
            reset.append(service)
    key = (account_id, region)
    recorder._recorders.pop(key, None)
    fidelity_profiles._USER_PROFILES.pop(key, None)
    lifecycle.uninstall(account_id, region)
    seed._STATES.pop(key, None)
    return reset

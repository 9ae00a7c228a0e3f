"""The fidelity layer: every place where moto 5.2.5 differs from AWS in a way smtui depends on.

Each module's ``apply()`` is idempotent; each patch has a test showing moto alone still fails.
"""

from __future__ import annotations

_applied = False


def apply() -> None:
    global _applied
    if _applied:
        return
    from smtui.sandbox import (
        fidelity_apps,
        fidelity_athena,
        fidelity_hyperpod,
        fidelity_jobs,
        fidelity_lifecycle,
        fidelity_logs,
        fidelity_profiles,
        fidelity_sagemaker,
        fidelity_sts,
        fidelity_trail,
    )

    # fidelity_lifecycle wraps what fidelity_sagemaker installs: the order matters
    for module in (
        fidelity_trail,
        fidelity_sts,
        fidelity_logs,
        fidelity_sagemaker,
        fidelity_profiles,
        fidelity_hyperpod,
        fidelity_apps,
        fidelity_lifecycle,
        fidelity_jobs,
        fidelity_athena,
    ):
        module.apply()
    _applied = True

"""What an ML instance type has (vCPUs, GPUs), so the metrics the sandbox publishes stay within what
SageMaker can report: CPUUtilization is 0-100% per vCPU and GPUUtilization / GPUMemoryUtilization 0-100% per
GPU, summed over the instance (the developer guide: "if there are four GPUs, the GPUUtilization range is
0%-400%"); MemoryUtilization and DiskUtilization are 0-100%."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

#: family -> GPUs by size, for the GPU families SageMaker offers (from the EC2 instance type pages)
_GPUS: dict[str, dict[str, int]] = {
    "g4dn": {"xlarge": 1, "2xlarge": 1, "4xlarge": 1, "8xlarge": 1, "12xlarge": 4, "16xlarge": 1},
    "g5": {
        "xlarge": 1,
        "2xlarge": 1,
        "4xlarge": 1,
        "8xlarge": 1,
        "12xlarge": 4,
        "16xlarge": 1,
        "24xlarge": 4,
        "48xlarge": 8,
    },
    "g6": {
        "xlarge": 1,
        "2xlarge": 1,
        "4xlarge": 1,
        "8xlarge": 1,
        "12xlarge": 4,
        "24xlarge": 4,
        "48xlarge": 8,
    },
    "p3": {"2xlarge": 1, "8xlarge": 4, "16xlarge": 8},
    "p3dn": {"24xlarge": 8},
    "p4d": {"24xlarge": 8},
    "p4de": {"24xlarge": 8},
    "p5": {"48xlarge": 8},
}
_SIZE = re.compile(r"ml\.([a-z0-9-]+)\.(\d*)(x?large|medium)")


@dataclass(frozen=True)
class InstanceType:
    name: str
    vcpus: int
    gpus: int


def lookup(name: str) -> InstanceType:
    """The vCPUs and GPUs of ``ml.<family>.<size>`` (sizes as EC2 names them: medium and large = 2 vCPUs, xlarge = 4,
    Nxlarge = 4N); unknown GPU sizes count one GPU per accelerated instance."""
    m = _SIZE.fullmatch(name or "")
    if not m:
        return InstanceType(name, 2, 0)
    family, n, unit = m.groups()
    size = f"{n}{unit}"
    vcpus = 2 if unit in ("medium", "large") else 4 * int(n or 1)
    gpus = 0
    if family in _GPUS:
        gpus = _GPUS[family].get(size, 1)
    elif family[:1] in ("g", "p") and family[1:2].isdigit():
        gpus = 1
    return InstanceType(name, vcpus, gpus)


def utilization(
    instance: str, rng: random.Random, *, load: float = 0.8, gpu: bool = True
) -> dict[str, float]:
    """One minute's instance metrics for a busy host of ``instance`` (``load`` of its CPUs/GPUs in use),
    rounded as CloudWatch shows them, each inside its documented range."""
    it = lookup(instance)
    out = {
        "CPUUtilization": _clamp(100 * it.vcpus * (load * 0.6 + rng.uniform(-0.08, 0.08)), 100 * it.vcpus),
        "MemoryUtilization": _clamp(55 + 20 * load + rng.uniform(-4, 4), 100),
        "DiskUtilization": _clamp(28 + rng.uniform(-0.5, 0.5), 100),
    }
    if it.gpus and gpu:
        out["GPUUtilization"] = _clamp(100 * it.gpus * (load + rng.uniform(-0.06, 0.06)), 100 * it.gpus)
        out["GPUMemoryUtilization"] = _clamp(
            100 * it.gpus * (0.65 + 0.2 * load + rng.uniform(-0.03, 0.03)), 100 * it.gpus
        )
    return out


def _clamp(value: float, hi: float) -> float:
    return round(min(hi, max(0.0, value)), 3)

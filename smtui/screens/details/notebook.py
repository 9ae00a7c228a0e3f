"""A notebook instance's detail sections: the instance, its network, its code and lifecycle configuration."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rich.console import RenderableType

from smtui.screens.details.parts import grid, section
from smtui.text import clean


def sections(d: Mapping[str, Any], related: Mapping[str, Mapping[str, Any]]) -> list[RenderableType]:
    volume = d.get("VolumeSizeInGB")
    out: list[RenderableType] = [
        section(
            "Instance",
            grid(
                [
                    ("Instance type", d.get("InstanceType")),
                    ("Accelerators", ", ".join(clean(a) for a in d.get("AcceleratorTypes") or []) or None),
                    ("Volume", f"{volume} GB" if volume else None),
                    ("Platform", d.get("PlatformIdentifier")),
                    ("Root access", d.get("RootAccess")),
                    ("URL", d.get("Url")),
                    ("KMS key", d.get("KmsKeyId")),
                ]
            ),
        ),
        section(
            "Network",
            grid(
                [
                    ("Direct internet access", d.get("DirectInternetAccess")),
                    ("Subnet", d.get("SubnetId")),
                    ("Security groups", ", ".join(clean(g) for g in d.get("SecurityGroups") or []) or None),
                    ("Network interface", d.get("NetworkInterfaceId")),
                ]
            ),
        ),
    ]
    code = grid(
        [
            ("Lifecycle configuration", d.get("NotebookInstanceLifecycleConfigName")),
            ("Default repository", d.get("DefaultCodeRepository")),
            (
                "Other repositories",
                ", ".join(clean(r) for r in d.get("AdditionalCodeRepositories") or []) or None,
            ),
        ]
    )
    if code.row_count:
        out.append(section("Code and lifecycle", code))
    return out

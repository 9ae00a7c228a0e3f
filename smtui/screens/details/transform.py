"""A batch transform job's detail sections: resources, input and output."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rich.console import RenderableType

from smtui.screens.details.parts import grid, section


def sections(d: Mapping[str, Any], related: Mapping[str, Mapping[str, Any]]) -> list[RenderableType]:
    tr = d.get("TransformResources") or {}
    ti = d.get("TransformInput") or {}
    src = (ti.get("DataSource") or {}).get("S3DataSource") or {}
    return [
        section(
            "Resources",
            grid(
                [
                    ("Model", d.get("ModelName")),
                    ("Instances", f"{tr.get('InstanceType')} x{tr.get('InstanceCount')}" if tr else None),
                    ("Batch strategy", d.get("BatchStrategy")),
                    ("Max payload", f"{d['MaxPayloadInMB']} MB" if d.get("MaxPayloadInMB") else None),
                    ("Max concurrent", d.get("MaxConcurrentTransforms")),
                ]
            ),
        ),
        section(
            "Input and output",
            grid(
                [
                    ("Input", src.get("S3Uri")),
                    ("Content type", ti.get("ContentType")),
                    ("Split type", ti.get("SplitType")),
                    ("Output", (d.get("TransformOutput") or {}).get("S3OutputPath")),
                    ("Assemble with", (d.get("TransformOutput") or {}).get("AssembleWith")),
                ]
            ),
        ),
    ]

"""A processing job's detail sections: resources, container, inputs, outputs, environment."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rich.console import RenderableType

from smtui.screens.details.parts import grid, kv, seconds, section, table
from smtui.text import clean


def sections(d: Mapping[str, Any], related: Mapping[str, Mapping[str, Any]]) -> list[RenderableType]:
    cc = (d.get("ProcessingResources") or {}).get("ClusterConfig") or {}
    app = d.get("AppSpecification") or {}
    out: list[RenderableType] = [
        section(
            "Resources",
            grid(
                [
                    ("Instances", f"{cc.get('InstanceType')} x{cc.get('InstanceCount')}" if cc else None),
                    ("Volume", f"{cc['VolumeSizeInGB']} GB" if cc.get("VolumeSizeInGB") else None),
                    ("Max runtime", seconds((d.get("StoppingCondition") or {}).get("MaxRuntimeInSeconds"))),
                ]
            ),
        )
    ]
    out.append(
        section(
            "Container",
            grid(
                [
                    ("Image", app.get("ImageUri")),
                    ("Entrypoint", " ".join(clean(a) for a in app.get("ContainerEntrypoint") or []) or None),
                    ("Arguments", " ".join(clean(a) for a in app.get("ContainerArguments") or []) or None),
                    ("Exit message", d.get("ExitMessage")),
                ]
            ),
        )
    )
    inputs = d.get("ProcessingInputs") or []
    if inputs:
        out.append(
            section(
                "Inputs",
                table(
                    ["name", "source", "local path"],
                    (
                        [
                            i.get("InputName"),
                            (i.get("S3Input") or {}).get("S3Uri"),
                            (i.get("S3Input") or {}).get("LocalPath"),
                        ]
                        for i in inputs
                    ),
                ),
            )
        )
    outputs = (d.get("ProcessingOutputConfig") or {}).get("Outputs") or []
    if outputs:
        out.append(
            section(
                "Outputs",
                table(
                    ["name", "destination", "local path"],
                    (
                        [
                            o.get("OutputName"),
                            (o.get("S3Output") or {}).get("S3Uri"),
                            (o.get("S3Output") or {}).get("LocalPath"),
                        ]
                        for o in outputs
                    ),
                ),
            )
        )
    if d.get("Environment"):
        out.append(section("Environment", kv(d.get("Environment"))))
    return out

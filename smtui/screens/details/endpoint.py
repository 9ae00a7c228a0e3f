"""An endpoint's detail sections: variants (live, or as configured while it is created), configuration,
async inference, data capture."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rich.console import RenderableType

from smtui.screens.details.parts import cell, grid, kv, section, table
from smtui.text import clean


def sections(d: Mapping[str, Any], related: Mapping[str, Mapping[str, Any]]) -> list[RenderableType]:
    config = related.get("describe_endpoint_config")
    out: list[RenderableType] = []
    configured = {v.get("VariantName"): v for v in (config or {}).get("ProductionVariants") or []}
    rows = []
    for v in d.get("ProductionVariants") or []:
        cfg = configured.get(v.get("VariantName"), {})
        statuses = ", ".join(clean(s.get("Status")) for s in v.get("VariantStatus") or [])
        rows.append(
            [
                cell(v.get("VariantName"), "bold"),
                cfg.get("InstanceType") or ("serverless" if cfg.get("ServerlessConfig") else None),
                cfg.get("InitialInstanceCount"),
                v.get("CurrentInstanceCount"),
                v.get("DesiredInstanceCount"),
                v.get("CurrentWeight"),
                cfg.get("ModelName"),
                statuses or None,
            ]
        )
    if not rows:  # no live variants yet (Creating): show the configured ones
        for name, cfg in configured.items():
            rows.append(
                [
                    cell(name, "bold"),
                    cfg.get("InstanceType"),
                    cfg.get("InitialInstanceCount"),
                    None,
                    None,
                    cfg.get("InitialVariantWeight"),
                    cfg.get("ModelName"),
                    None,
                ]
            )
    out.append(
        section(
            "Variants",
            table(
                ["variant", "instance type", "initial", "current", "desired", "weight", "model", "status"],
                rows,
            ),
        )
    )
    out.append(
        section(
            "Configuration",
            grid(
                [
                    ("Endpoint config", d.get("EndpointConfigName")),
                    ("KMS key", (config or {}).get("KmsKeyId")),
                ]
            ),
        )
    )
    async_cfg = d.get("AsyncInferenceConfig") or (config or {}).get("AsyncInferenceConfig")
    if async_cfg:
        out.append(section("Async inference", kv(async_cfg)))
    capture = d.get("DataCaptureConfig") or (config or {}).get("DataCaptureConfig")
    if capture:
        out.append(section("Data capture", kv(capture)))
    return out

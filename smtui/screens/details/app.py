"""A Studio app's detail sections: where it runs (domain, user profile or space, type) and on what."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rich.console import RenderableType

from smtui.screens.details.parts import grid, section


def sections(d: Mapping[str, Any], related: Mapping[str, Mapping[str, Any]]) -> list[RenderableType]:
    spec = d.get("ResourceSpec") or {}
    return [
        section(
            "App",
            grid(
                [
                    ("Domain", d.get("DomainId")),
                    ("User profile", d.get("UserProfileName")),
                    ("Space", d.get("SpaceName")),
                    ("App type", d.get("AppType")),
                    ("App name", d.get("AppName")),
                    ("Status", d.get("Status")),
                    ("Instance type", spec.get("InstanceType")),
                ]
            ),
        ),
        section(
            "Image and activity",
            grid(
                [
                    ("Image", spec.get("SageMakerImageArn")),
                    (
                        "Image version",
                        spec.get("SageMakerImageVersionArn") or spec.get("SageMakerImageVersionAlias"),
                    ),
                    ("Lifecycle configuration", spec.get("LifecycleConfigArn")),
                    ("Last user activity", d.get("LastUserActivityTimestamp")),
                    ("Last health check", d.get("LastHealthCheckTimestamp")),
                    ("Recovery mode", d.get("RecoveryMode")),
                ]
            ),
        ),
    ]

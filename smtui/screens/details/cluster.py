"""A HyperPod cluster's detail sections: its orchestrator and network, its instance groups, its nodes (from
ListClusterNodes)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rich.console import RenderableType
from rich.text import Text

from smtui.aws.resources import status_style
from smtui.screens.details.parts import cell, grid, section, table
from smtui.text import clean


def _count(g: Mapping[str, Any]) -> str:
    cur, want = g.get("CurrentCount"), g.get("TargetCount")
    return f"{cur}" if want in (None, cur) else f"{cur if cur is not None else '-'}/{want}"


def _lifecycle(g: Mapping[str, Any]) -> str:
    lc = g.get("LifeCycleConfig") or {}
    on_create, source = lc.get("OnCreate"), lc.get("SourceS3Uri")
    return f"{clean(on_create)} from {clean(source)}" if on_create and source else clean(source or on_create)


def sections(d: Mapping[str, Any], related: Mapping[str, Mapping[str, Any]]) -> list[RenderableType]:
    vpc = d.get("VpcConfig") or {}
    eks = (d.get("Orchestrator") or {}).get("Eks") or {}
    out: list[RenderableType] = [
        section(
            "Cluster",
            grid(
                [
                    ("Orchestrator", f"EKS {clean(eks.get('ClusterArn'))}" if eks else "Slurm"),
                    ("Node recovery", d.get("NodeRecovery")),
                    ("Subnets", ", ".join(clean(s) for s in vpc.get("Subnets") or []) or None),
                    (
                        "Security groups",
                        ", ".join(clean(s) for s in vpc.get("SecurityGroupIds") or []) or None,
                    ),
                ]
            ),
        )
    ]
    groups = d.get("InstanceGroups") or []
    if groups:
        out.append(
            section(
                "Instance groups",
                table(
                    ["group", "instance type", "count", "status", "threads/core", "lifecycle script"],
                    (
                        [
                            g.get("InstanceGroupName"),
                            g.get("InstanceType"),
                            _count(g),
                            cell(g.get("Status") or "", status_style(str(g.get("Status") or ""))),
                            g.get("ThreadsPerCore"),
                            _lifecycle(g),
                        ]
                        for g in groups
                    ),
                ),
            )
        )
    answer = related.get("list_cluster_nodes")
    if answer is not None:
        nodes = answer.get("ClusterNodeSummaries") or []
        body: RenderableType = (
            table(
                ["node", "group", "instance type", "status", "launched", "message"],
                (
                    [
                        n.get("InstanceId"),
                        n.get("InstanceGroupName"),
                        n.get("InstanceType"),
                        _node_status(n),
                        n.get("LaunchTime"),
                        (n.get("InstanceStatus") or {}).get("Message") or "",
                    ]
                    for n in nodes
                ),
            )
            if nodes
            else Text("No nodes.", style="dim")
        )
        more = " (the first page)" if answer.get("NextToken") else ""
        out.append(section(f"Nodes ({len(nodes)}{more})", body))
    return out


def _node_status(n: Mapping[str, Any]) -> Text:
    status = str((n.get("InstanceStatus") or {}).get("Status") or "")
    style = {"Running": "green", "Failure": "bold red", "Pending": "yellow", "ShuttingDown": "magenta"}
    return cell(status, style.get(status, "dim"))

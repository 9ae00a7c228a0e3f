"""A training job's detail sections: timeline, resources and spot savings, final metrics, hyperparameters,
input channels, algorithm and output."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rich.console import RenderableType

from smtui.aws import listing
from smtui.screens.details.parts import cell, grid, seconds, section, table
from smtui.text import clean


def sections(d: Mapping[str, Any], related: Mapping[str, Mapping[str, Any]]) -> list[RenderableType]:
    out: list[RenderableType] = []
    transitions = d.get("SecondaryStatusTransitions") or []
    if transitions:
        rows = []
        for tr in transitions:
            secs = listing.duration(tr.get("StartTime"), tr.get("EndTime"))
            rows.append(
                [
                    cell(tr.get("Status"), "bold"),
                    cell(listing.iso(tr.get("StartTime"))),
                    cell(
                        listing.span(secs) + ("" if tr.get("EndTime") else " …"),
                        "yellow" if not tr.get("EndTime") else "",
                    ),
                    cell(tr.get("StatusMessage")),
                ]
            )
        out.append(section("Timeline", table(["status", "started", "took", "message"], rows)))
    rc = d.get("ResourceConfig") or {}
    training_s, billable_s = d.get("TrainingTimeInSeconds"), d.get("BillableTimeInSeconds")
    res_rows: list[tuple[str, Any]] = [
        (
            "Instances",
            cell(
                ", ".join(
                    f"{g.get('InstanceType')} x{g.get('InstanceCount')}"
                    for g in rc.get("InstanceGroups") or []
                )
                or (f"{rc.get('InstanceType')} x{rc.get('InstanceCount')}" if rc else None)
            ),
        ),
        ("Volume", f"{rc['VolumeSizeInGB']} GB" if rc.get("VolumeSizeInGB") else None),
        ("Managed spot", d.get("EnableManagedSpotTraining")),
        ("Training time", seconds(training_s)),
        ("Billable time", seconds(billable_s)),
    ]
    if d.get("EnableManagedSpotTraining") and training_s and billable_s is not None:
        saved = 100.0 * (1 - float(billable_s) / float(training_s)) if training_s else 0.0
        res_rows.append(("Spot savings", cell(f"{saved:.0f}%", "green")))
    sc = d.get("StoppingCondition") or {}
    res_rows += [
        ("Max runtime", seconds(sc.get("MaxRuntimeInSeconds"))),
        ("Max wait", seconds(sc.get("MaxWaitTimeInSeconds"))),
    ]
    out.append(section("Resources", grid(res_rows)))
    final = d.get("FinalMetricDataList") or []
    if final:
        out.append(
            section(
                "Final metrics",
                table(
                    ["metric", "value", "at"],
                    (
                        [
                            m.get("MetricName"),
                            f"{m.get('Value'):g}"
                            if isinstance(m.get("Value"), (int, float))
                            else m.get("Value"),
                            listing.iso(m.get("Timestamp")),
                        ]
                        for m in final
                    ),
                ),
            )
        )
    hp = d.get("HyperParameters") or {}
    if hp:
        out.append(section("Hyperparameters", grid((clean(k), v) for k, v in sorted(hp.items()))))
    channels = d.get("InputDataConfig") or []
    if channels:
        channel_rows: list[list[Any]] = []
        for ch in channels:
            src = ch.get("DataSource") or {}
            uri = (src.get("S3DataSource") or {}).get("S3Uri") or (src.get("FileSystemDataSource") or {}).get(
                "DirectoryPath"
            )
            channel_rows.append([ch.get("ChannelName"), uri, ch.get("ContentType"), ch.get("InputMode")])
        out.append(
            section("Input channels", table(["channel", "source", "content type", "mode"], channel_rows))
        )
    algo = d.get("AlgorithmSpecification") or {}
    out.append(
        section(
            "Algorithm and output",
            grid(
                [
                    ("Image", algo.get("TrainingImage") or algo.get("AlgorithmName")),
                    ("Input mode", algo.get("TrainingInputMode")),
                    ("Output path", (d.get("OutputDataConfig") or {}).get("S3OutputPath")),
                    ("Model artifacts", (d.get("ModelArtifacts") or {}).get("S3ModelArtifacts")),
                ]
            ),
        )
    )
    return out

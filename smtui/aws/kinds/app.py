"""Studio apps, across every domain and user profile (one ListApps call lists them all).

An app is named by four things: its domain, its user profile (or space), its type and its name. smtui's
name for it is the four joined by ``/``, ``d-abc123/alice/JupyterLab/default``, which is also its log
stream's name in ``/aws/sagemaker/studio`` (the developer guide's
``[domain-id]/[user-profile-name]/[app-type]/[app-name]``); the domain-shared RStudioServerPro app (listed
under the user profile ``domain-shared``) logs to ``[domain-id]/domain-shared/rstudioserverpro/default``.
DescribeApp's parameters come back from that name (``describe_params_of``), with ``SpaceName`` instead of
``UserProfileName`` when the List summary says the app is a space's. ListApps takes no status, name or time
filter; a running app is what costs money, so its instance type is a column.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from smtui.aws.kinds.base import Column, ResourceKind, Summary

DOMAIN_SHARED = "domain-shared"


def name_from(summary: Summary) -> str:
    """``d-abc123/alice/JupyterLab/default`` from a ListApps summary (or a DescribeApp answer)."""
    owner = summary.get("UserProfileName") or summary.get("SpaceName") or ""
    parts = (summary.get("DomainId"), owner, summary.get("AppType"), summary.get("AppName"))
    return "/".join(str(p or "") for p in parts) if all(parts) else ""


def describe_params(name: str, summary: Summary | None) -> dict[str, Any]:
    """DescribeApp's parameters from the app's name (and its summary, which says whether it is a space's)."""
    domain, owner, app_type, app_name = (name.split("/", 3) + ["", "", "", ""])[:4]
    owner_param = "SpaceName" if summary is not None and summary.get("SpaceName") else "UserProfileName"
    return {"DomainId": domain, owner_param: owner, "AppType": app_type, "AppName": app_name}


def instances(d: Mapping[str, Any]) -> str:
    return str((d.get("ResourceSpec") or {}).get("InstanceType") or "")


class AppKind(ResourceKind):
    """A kind whose Describe parameters come from its four-part name and its summary, and whose log stream
    is the resource's name itself (never a prefix of another app's)."""

    def describe_params(self, name: str, summary: Summary | None = None) -> dict[str, Any]:
        return describe_params(name, summary)

    def stream_prefix(self, name: str) -> str:
        domain, owner, app_type, app_name = (name.split("/", 3) + ["", "", "", ""])[:4]
        if owner == DOMAIN_SHARED and app_type == "RStudioServerPro":
            return f"{domain}/{DOMAIN_SHARED}/rstudioserverpro/{app_name}"
        return name

    def owns_stream(self, name: str, stream: str) -> bool:
        return stream == self.stream_prefix(name)

    def source_label(self, name: str, stream: str) -> str:
        return stream.split("/", 2)[-1] if stream.count("/") >= 2 else stream


KIND = AppKind(
    key="app",
    title="Studio apps",
    singular="Studio app",
    aliases=("apps", "studio", "studio-apps", "studioapps"),
    list_op="list_apps",
    list_key="Apps",
    name_field="AppName",
    arn_field="AppArn",
    status_field="Status",
    statuses=("Pending", "InService", "Deleting", "Deleted", "Failed"),
    describe_op="describe_app",
    describe_param="AppName",
    trail_resource_type="AWS::SageMaker::App",
    in_progress=frozenset({"Pending", "Deleting"}),
    log_group_fmt="/aws/sagemaker/studio",
    stream_prefix_fmt="{name}",
    log_window=None,
    live_statuses=frozenset({"InService"}),
    list_filters=frozenset(),
    name_from=name_from,
    columns=(
        Column("name", "DOMAIN/USER/TYPE/APP"),
        Column("status", "STATUS"),
        Column("created", "CREATED"),
        Column("instances", "INSTANCE"),
        Column("reason", "REASON"),
    ),
    instances_of=instances,
    detail_module="smtui.screens.details.app",
)

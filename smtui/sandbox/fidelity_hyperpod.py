"""HyperPod clusters as AWS answers for them. moto 5.2.5 has CreateCluster, DescribeCluster, ListClusters and
ListClusterNodes, but:

* a cluster's ARN ends with its name (``cluster/my-cluster``); AWS's ends with the cluster's id, twelve
  lower-case letters and digits (``cluster/k5kfwfkvczaa``), the id its log group is named after
  (``/aws/sagemaker/Clusters/<name>/<id>``); DescribeCluster by that ARN then fails;
* its nodes are called ``<instance-group>-<n>``; AWS's are EC2 instance ids (``i-0f1e2d3c4b5a69788``),
  the ids their log streams are named after (``LifecycleConfig/<instance-group>/<instance-id>``);
* ListClusters and ListClusterNodes ignore ``SortBy`` as the API spells it (``CREATION_TIME``, ``NAME``) and
  sort nothing; every node's InstanceStatus says ``"Message": "message"``; DescribeCluster sends an empty
  FailureMessage for a cluster that did not fail, and drops ``Orchestrator`` and ``NodeRecovery``.

Nodes are set by tests and the seed with :func:`set_node`. ``ORIGINALS`` keeps moto's functions.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from smtui.sandbox import shapes
from smtui.sandbox.sagemaker_state import _lock, apply_fields, describe_fields

ORIGINALS: dict[str, Any] = {}
_applied = False
_ID_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789"


def cluster_id(name: str, account: str, region: str) -> str:
    """A stable AWS-shaped cluster id (twelve lower-case letters and digits)."""
    digest = hashlib.sha256(f"{account}/{region}/{name}".encode()).digest()
    return "".join(_ID_ALPHABET[b % len(_ID_ALPHABET)] for b in digest[:12])


def instance_id(cluster: str, group: str, n: int) -> str:
    return "i-0" + hashlib.sha256(f"{cluster}/{group}/{n}".encode()).hexdigest()[:16]


def _cluster(self: Any, name_or_arn: str) -> Any:
    from moto.sagemaker.exceptions import ValidationError

    clusters = self.sagemaker_backend.clusters
    if name_or_arn.startswith("arn:"):
        found = next((c for c in clusters.values() if c.arn == name_or_arn), None)
    else:
        found = clusters.get(name_or_arn)
    if found is None:
        raise ValidationError(message=f"Could not find cluster '{name_or_arn}'.")
    return found


def _create_cluster(self: Any) -> Any:
    from moto.core.responses import ActionResult

    ORIGINALS["create_cluster"](self)
    name = self._get_param("ClusterName")
    with _lock:
        cluster = self.sagemaker_backend.clusters[name]
        cluster.arn = f"arn:aws:sagemaker:{self.region}:{self.current_account}:cluster/" + cluster_id(
            name, self.current_account, self.region
        )
        nodes = {}
        for node in cluster.nodes.values():
            n = int(str(node.instance_id).rsplit("-", 1)[-1])
            node.instance_id = instance_id(name, node.instance_group_name, n)
            nodes[node.instance_id] = node
        cluster.nodes = nodes
    kept = {
        k: self._get_param(k) for k in ("Orchestrator", "NodeRecovery", "ClusterRole") if self._get_param(k)
    }
    if kept:
        apply_fields("cluster", name, self.current_account, self.region, **kept)
    return ActionResult({"ClusterArn": cluster.arn})


def _describe_cluster(self: Any) -> Any:
    from moto.core.responses import ActionResult

    cluster = _cluster(self, self._get_param("ClusterName"))
    fields = describe_fields("cluster", cluster)
    if not fields.get("FailureMessage"):
        fields.pop("FailureMessage", None)
    return ActionResult(shapes.describe("cluster", fields))


def _sorted(
    rows: list[Any], sort_by: str | None, sort_order: str | None, name: str, created: str
) -> list[Any]:
    key = name if sort_by == "NAME" else created
    return sorted(rows, key=lambda o: getattr(o, key), reverse=sort_order == "Descending")


def _as_naive(value: Any) -> dt.datetime | None:
    if value in (None, ""):
        return None
    if isinstance(value, int | float) or str(value).replace(".", "", 1).isdigit():
        return dt.datetime.fromtimestamp(float(value), dt.UTC).replace(tzinfo=None)
    parsed = dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    return parsed.astimezone(dt.UTC).replace(tzinfo=None) if parsed.tzinfo else parsed


def _page(self: Any, rows: list[Any]) -> tuple[list[Any], str | None]:
    start = int(str(self._get_param("NextToken") or "smtui-0").rsplit("-", 1)[-1])
    size = int(self._get_param("MaxResults") or 10)
    page = rows[start : start + size]
    return page, (f"smtui-{start + size}" if start + size < len(rows) else None)


def _list_clusters(self: Any) -> Any:
    from moto.core.responses import ActionResult

    p = self._get_param
    after, before = _as_naive(p("CreationTimeAfter")), _as_naive(p("CreationTimeBefore"))
    with _lock:
        rows = list(self.sagemaker_backend.clusters.values())
    rows = [
        c
        for c in rows
        if (not p("NameContains") or p("NameContains") in c.cluster_name)
        and (after is None or c.creation_time > after)
        and (before is None or c.creation_time < before)
    ]
    page, token = _page(self, _sorted(rows, p("SortBy"), p("SortOrder"), "cluster_name", "creation_time"))
    summaries = [
        {
            "ClusterArn": c.arn,
            "ClusterName": c.cluster_name,
            "CreationTime": c.creation_time,
            "ClusterStatus": c.status,
        }
        for c in page
    ]
    return ActionResult({"ClusterSummaries": summaries, "NextToken": token})


def _node_summary(node: Any) -> dict[str, Any]:
    status = {"Status": node.status}
    message = getattr(node, "status_message", "")
    if message:
        status["Message"] = message
    summary = {
        "InstanceGroupName": node.instance_group_name,
        "InstanceId": node.instance_id,
        "InstanceType": node.instance_type,
        "LaunchTime": node.launch_time,
        "InstanceStatus": status,
    }
    hostname = getattr(node, "private_dns_hostname", "")
    if hostname:
        summary["PrivateDnsHostname"] = hostname
    return summary


def _list_cluster_nodes(self: Any) -> Any:
    from moto.core.responses import ActionResult

    p = self._get_param
    cluster = _cluster(self, p("ClusterName"))
    contains = p("InstanceGroupNameContains")
    with _lock:
        rows = [n for n in cluster.nodes.values() if not contains or contains in n.instance_group_name]
    page, token = _page(
        self, _sorted(rows, p("SortBy"), p("SortOrder"), "instance_group_name", "launch_time")
    )
    return ActionResult({"ClusterNodeSummaries": [_node_summary(n) for n in page], "NextToken": token})


def set_node(
    cluster: str,
    node_id: str,
    *,
    account: str,
    region: str,
    status: str | None = None,
    message: str | None = None,
    launch_time: dt.datetime | None = None,
    hostname: str | None = None,
) -> None:
    """Set a node's InstanceStatus (``Running``, ``Failure``, ``Pending``...), message, launch time or
    private DNS name, as ListClusterNodes then answers."""
    from smtui.sandbox.sagemaker_state import backend

    with _lock:
        node = backend(account, region).clusters[cluster].nodes[node_id]
        if status is not None:
            node.status = status
        if message is not None:
            node.status_message = message
        if launch_time is not None:
            node.launch_time = launch_time.astimezone(dt.UTC).replace(tzinfo=None)
        if hostname is not None:
            node.private_dns_hostname = hostname


def remove_nodes(cluster: str, *, account: str, region: str) -> None:
    """Take every node away (a cluster whose creation failed keeps none)."""
    from smtui.sandbox.sagemaker_state import backend

    with _lock:
        backend(account, region).clusters[cluster].nodes.clear()


def apply() -> None:
    global _applied
    if _applied:
        return
    from moto.sagemaker.responses import SageMakerResponse

    for op, fn in (
        ("create_cluster", _create_cluster),
        ("describe_cluster", _describe_cluster),
        ("list_clusters", _list_clusters),
        ("list_cluster_nodes", _list_cluster_nodes),
    ):
        ORIGINALS[op] = getattr(SageMakerResponse, op)
        setattr(SageMakerResponse, op, fn)
    _applied = True

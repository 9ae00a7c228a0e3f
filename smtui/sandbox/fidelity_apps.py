"""Studio apps. moto 5.2.5 has none (CreateApp, DescribeApp, ListApps and DeleteApp answer "not
implemented"): here they are kept per account and region, with AWS's ARN
(``app/<domain-id>/<user-profile-or-space>/<app-type, lower case>/<app-name>``), statuses, errors and output
shapes. An app belongs to a user profile (which must exist: :mod:`smtui.sandbox.fidelity_profiles`) or to a
space (moto has no spaces: any space name is taken). The domain-shared RStudioServerPro app is listed, as
AWS lists it, under the user profile ``domain-shared``.

Apps are created ``InService`` (AWS passes through ``Pending`` for a minute or two); :func:`set_app` sets
any Describe field by hand (Status, FailureReason, CreationTime, LastUserActivityTimestamp...). DeleteApp
leaves the app ``Deleted``: AWS lists deleted apps for a while after.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from smtui.sandbox import shapes

#: (account, region) -> {(domain_id, owner, app_type, app_name): app}
_APPS: dict[tuple[str, str], dict[tuple[str, str, str, str], dict[str, Any]]] = {}
_applied = False
APP_TYPES = (
    "JupyterServer",
    "KernelGateway",
    "DetailedProfiler",
    "TensorBoard",
    "CodeEditor",
    "JupyterLab",
    "RStudioServerPro",
    "RSessionGateway",
    "Canvas",
)
#: the user profile the domain-shared RStudioServerPro app is listed under
DOMAIN_SHARED = "domain-shared"
_NAME = re.compile(r"^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$")
_SUMMARY = (
    "DomainId",
    "UserProfileName",
    "SpaceName",
    "AppType",
    "AppName",
    "Status",
    "CreationTime",
    "ResourceSpec",
)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def apps(account: str, region: str) -> dict[tuple[str, str, str, str], dict[str, Any]]:
    return _APPS.setdefault((account, region), {})


def _key(response: Any) -> tuple[str, str, str, str]:
    from moto.sagemaker.exceptions import AWSValidationException

    p = response._get_param
    profile, space = p("UserProfileName"), p("SpaceName")
    if bool(profile) == bool(space):
        raise AWSValidationException("Exactly one of UserProfileName or SpaceName must be specified.")
    app_type = p("AppType")
    if app_type not in APP_TYPES:
        raise AWSValidationException(
            f"1 validation error detected: Value '{app_type}' at 'appType' failed to satisfy constraint: "
            f"Member must satisfy enum value set: [{', '.join(APP_TYPES)}]"
        )
    return p("DomainId"), profile or space, app_type, p("AppName")


def arn(account: str, region: str, key: tuple[str, str, str, str]) -> str:
    domain, owner, app_type, name = key
    return f"arn:aws:sagemaker:{region}:{account}:app/{domain}/{owner}/{app_type.lower()}/{name}"


def _default_spec(app_type: str) -> dict[str, Any]:
    if app_type in ("JupyterServer", "RStudioServerPro"):
        return {"InstanceType": "system"}
    return {"InstanceType": "ml.t3.medium"}


def _create_app(self: Any) -> Any:
    from moto.core.responses import ActionResult
    from moto.sagemaker.exceptions import AWSValidationException, ResourceInUseException, ValidationError

    key = _key(self)
    domain, owner, app_type, name = key
    if domain not in self.sagemaker_backend.domains:
        raise ValidationError(message=f"Could not find domain '{domain}'.")
    if not name or not _NAME.match(name):
        raise AWSValidationException(
            f"1 validation error detected: Value '{name}' at 'appName' failed to satisfy constraint: "
            "Member must satisfy regular expression pattern: [a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}"
        )
    if self._get_param("UserProfileName") and owner != DOMAIN_SHARED:
        from smtui.sandbox.fidelity_profiles import _profiles

        if (domain, owner) not in _profiles(self):
            raise ValidationError(message=f"User profile {owner} does not exist in domain {domain}.")
    table = apps(self.current_account, self.region)
    existing = table.get(key)
    if existing is not None and existing["Status"] not in ("Deleted", "Failed"):
        raise ResourceInUseException(
            message=f"App {arn(self.current_account, self.region, key)} already exists"
        )
    now = _now()
    app = {
        "AppArn": arn(self.current_account, self.region, key),
        "AppType": app_type,
        "AppName": name,
        "DomainId": domain,
        "UserProfileName" if self._get_param("UserProfileName") else "SpaceName": owner,
        "Status": "InService",
        "CreationTime": now,
        "LastHealthCheckTimestamp": now,
        "LastUserActivityTimestamp": now,
        "ResourceSpec": self._get_param("ResourceSpec") or _default_spec(app_type),
    }
    table[key] = app
    return ActionResult({"AppArn": app["AppArn"]})


def _describe_app(self: Any) -> Any:
    from moto.core.responses import ActionResult
    from moto.sagemaker.exceptions import ResourceNotFound

    key = _key(self)
    app = apps(self.current_account, self.region).get(key)
    if app is None:
        raise ResourceNotFound(message=f"App {arn(self.current_account, self.region, key)} does not exist.")
    answer: dict[str, Any] = shapes.fit(shapes.output_shape("sagemaker", "DescribeApp"), app)
    return ActionResult(answer)


def _list_apps(self: Any) -> Any:
    from moto.core.responses import ActionResult
    from moto.sagemaker.exceptions import AWSValidationException

    p = self._get_param
    size = int(p("MaxResults") or 10)
    if not 1 <= size <= 100:
        raise AWSValidationException(
            f"1 validation error detected: Value '{size}' at 'maxResults' failed to satisfy constraint: "
            "Member must have value less than or equal to 100"
        )
    domain, profile, space = p("DomainIdEquals"), p("UserProfileNameEquals"), p("SpaceNameEquals")
    rows = [
        a
        for a in list(apps(self.current_account, self.region).values())
        if (not domain or a["DomainId"] == domain)
        and (not profile or a.get("UserProfileName") == profile)
        and (not space or a.get("SpaceName") == space)
    ]
    rows.sort(key=lambda a: a["CreationTime"], reverse=(p("SortOrder") or "Descending") == "Descending")
    token = p("NextToken")
    start = 0
    if token:
        m = re.fullmatch(r"smtui-(\d+)", str(token))
        if not m:
            raise AWSValidationException(f'Invalid pagination token because "{token}".')
        start = int(m.group(1))
    page = rows[start : start + size]
    summaries = [{k: a[k] for k in _SUMMARY if a.get(k) is not None} for a in page]
    return ActionResult(
        {"Apps": summaries, "NextToken": f"smtui-{start + size}" if start + size < len(rows) else None}
    )


def _delete_app(self: Any) -> Any:
    from moto.core.responses import EmptyResult
    from moto.sagemaker.exceptions import ResourceNotFound

    key = _key(self)
    app = apps(self.current_account, self.region).get(key)
    if app is None or app["Status"] == "Deleted":
        raise ResourceNotFound(message=f"App {arn(self.current_account, self.region, key)} does not exist.")
    app["Status"] = "Deleted"
    return EmptyResult()


def set_app(
    domain: str, owner: str, app_type: str, name: str, *, account: str, region: str, **fields: Any
) -> None:
    """Set an app's Describe fields (``None`` removes one); datetimes are kept naive UTC."""
    app = apps(account, region)[(domain, owner, app_type, name)]
    for k, v in fields.items():
        if isinstance(v, dt.datetime) and v.tzinfo is not None:
            v = v.astimezone(dt.UTC).replace(tzinfo=None)
        if v is None:
            app.pop(k, None)
        else:
            app[k] = v


def apply() -> None:
    global _applied
    if _applied:
        return
    from moto.sagemaker.responses import SageMakerResponse

    SageMakerResponse.create_app = _create_app  # type: ignore[attr-defined]
    SageMakerResponse.describe_app = _describe_app  # type: ignore[attr-defined]
    SageMakerResponse.list_apps = _list_apps  # type: ignore[attr-defined]
    SageMakerResponse.delete_app = _delete_app  # type: ignore[attr-defined]
    _applied = True

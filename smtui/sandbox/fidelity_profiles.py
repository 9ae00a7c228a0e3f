"""Studio domains and user profiles. moto 5.2.5 does not implement user profiles (CreateUserProfile answers
500): here they are created, described, listed and deleted per account and region, with AWS's ARN and
errors. And DescribeDomain gives every domain a ``SingleSignOnApplicationArn`` (in a format no model has),
where AWS has one only for domains that sign in through IAM Identity Center (AuthMode SSO)."""

from __future__ import annotations

import datetime as dt
from typing import Any

#: (account, region) -> {(domain_id, profile_name): profile}
_USER_PROFILES: dict[tuple[str, str], dict[tuple[str, str], dict[str, Any]]] = {}
_applied = False


def _profiles(response: Any) -> dict[tuple[str, str], dict[str, Any]]:
    return _USER_PROFILES.setdefault((response.current_account, response.region), {})


def _create_user_profile(self: Any) -> Any:
    from moto.core.responses import ActionResult
    from moto.sagemaker.exceptions import ResourceInUseException, ValidationError

    domain_id = self._get_param("DomainId")
    name = self._get_param("UserProfileName")
    if domain_id not in self.sagemaker_backend.domains:
        raise ValidationError(message=f"Could not find domain '{domain_id}'.")
    profiles = _profiles(self)
    if (domain_id, name) in profiles:
        raise ResourceInUseException(
            message=f"Resource Already Exists: UserProfile with name {name} "
            "already exists. Choose a different name."
        )
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    arn = f"arn:aws:sagemaker:{self.region}:{self.current_account}:user-profile/{domain_id}/{name}"
    profiles[(domain_id, name)] = {
        "DomainId": domain_id,
        "UserProfileArn": arn,
        "UserProfileName": name,
        "HomeEfsFileSystemUid": str(200000 + len(profiles) + 1),
        "Status": "InService",
        "LastModifiedTime": now,
        "CreationTime": now,
        "UserSettings": self._get_param("UserSettings") or {},
        "SingleSignOnUserIdentifier": self._get_param("SingleSignOnUserIdentifier"),
        "SingleSignOnUserValue": self._get_param("SingleSignOnUserValue"),
    }
    return ActionResult({"UserProfileArn": arn})


def _describe_user_profile(self: Any) -> Any:
    from moto.core.responses import ActionResult
    from moto.sagemaker.exceptions import ResourceNotFound

    key = (self._get_param("DomainId"), self._get_param("UserProfileName"))
    profile = _profiles(self).get(key)
    if profile is None:
        raise ResourceNotFound(message=f"User profile {key[1]} does not exist in domain {key[0]}.")
    return ActionResult({k: v for k, v in profile.items() if v is not None})


def _list_user_profiles(self: Any) -> Any:
    from moto.core.responses import ActionResult

    domain = self._get_param("DomainIdEquals")
    contains = self._get_param("UserProfileNameContains")
    rows = [
        p
        for (d, n), p in sorted(_profiles(self).items())
        if (not domain or d == domain) and (not contains or contains in n)
    ]
    fields = ("DomainId", "UserProfileName", "Status", "CreationTime", "LastModifiedTime")
    return ActionResult({"UserProfiles": [{f: p[f] for f in fields} for p in rows]})


def _delete_user_profile(self: Any) -> Any:
    from moto.core.responses import EmptyResult

    _profiles(self).pop((self._get_param("DomainId"), self._get_param("UserProfileName")), None)
    return EmptyResult()


_describe_domain: Any = None


def _describe_domain_fitted(self: Any) -> Any:
    result = _describe_domain(self)
    body = getattr(result, "result", None)
    if isinstance(body, dict) and body.get("AuthMode") != "SSO":
        body.pop("SingleSignOnApplicationArn", None)
        body.pop("SingleSignOnManagedApplicationInstanceId", None)
    return result


def apply() -> None:
    global _applied, _describe_domain
    if _applied:
        return
    from moto.sagemaker.responses import SageMakerResponse

    _describe_domain = SageMakerResponse.describe_domain
    SageMakerResponse.describe_domain = _describe_domain_fitted  # type: ignore[method-assign]

    SageMakerResponse.create_user_profile = _create_user_profile  # type: ignore[attr-defined]
    SageMakerResponse.describe_user_profile = _describe_user_profile  # type: ignore[attr-defined]
    SageMakerResponse.list_user_profiles = _list_user_profiles  # type: ignore[attr-defined]
    SageMakerResponse.delete_user_profile = _delete_user_profile  # type: ignore[attr-defined]
    _applied = True

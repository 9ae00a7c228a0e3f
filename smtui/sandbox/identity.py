"""Who made a call, as CloudTrail's ``userIdentity`` tells it: an IAM user, an assumed-role session (with
the SourceIdentity it carries), an AWS service acting itself, or a web identity (OIDC) caller; and how an
access key is found in moto's state."""

from __future__ import annotations

import base64
import contextlib
import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any


def iso(when: datetime) -> str:
    """CloudTrail's eventTime: UTC, second precision, ``Z`` (a naive datetime is taken as UTC)."""
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _fake_id(prefix: str, seed: str) -> str:
    """A stable AWS-looking unique id (``AIDA…``, ``AROA…``) derived from a name."""
    digest = base64.b32encode(hashlib.sha256(seed.encode()).digest()).decode()
    return prefix + digest[:17]


@dataclass(frozen=True)
class Identity:
    """Who made a call, as CloudTrail's ``userIdentity`` tells it."""

    type: str  # "IAMUser" | "AssumedRole" | "AWSService" | "WebIdentityUser"
    name: str  # the IAM user name, the role session name, the service principal, or the web identity
    account_id: str
    role_arn: str = ""
    role_id: str = ""
    source_identity: str | None = None
    created: str = ""

    @classmethod
    def user(cls, name: str, account_id: str) -> Identity:
        return cls("IAMUser", name, account_id)

    @classmethod
    def assumed_role(
        cls,
        role_arn: str,
        session: str,
        account_id: str,
        *,
        role_id: str = "",
        source_identity: str | None = None,
        created: str = "",
    ) -> Identity:
        return cls(
            "AssumedRole",
            session,
            account_id,
            role_arn=role_arn,
            role_id=role_id or _fake_id("AROA", role_arn),
            source_identity=source_identity,
            created=created,
        )

    @classmethod
    def service(cls, principal: str, account_id: str) -> Identity:
        """An AWS service acting itself (``sagemaker.amazonaws.com`` assuming a Studio user's role)."""
        return cls("AWSService", principal, account_id)

    @classmethod
    def web_identity(cls, subject: str, provider: str, account_id: str) -> Identity:
        """A caller of AssumeRoleWithWebIdentity: ``subject`` of an OIDC ``provider`` (its ARN)."""
        return cls("WebIdentityUser", subject, account_id, role_arn=provider)

    @property
    def arn(self) -> str:
        if self.type == "AssumedRole":
            role_name = self.role_arn.rsplit("/", 1)[-1]
            return f"arn:aws:sts::{self.account_id}:assumed-role/{role_name}/{self.name}"
        return f"arn:aws:iam::{self.account_id}:user/{self.name}"

    @property
    def username(self) -> str:
        """LookupEvents' ``Username``: the IAM user name, or the session name of an assumed role."""
        return self.name

    def user_identity(self, access_key: str | None) -> dict[str, Any]:
        if self.type == "AWSService":
            return {"type": "AWSService", "invokedBy": self.name}
        if self.type == "WebIdentityUser":
            host = self.role_arn.split("oidc-provider/", 1)[-1]
            return {
                "type": "WebIdentityUser",
                "principalId": f"{self.role_arn}:sts.amazonaws.com:{self.name}",
                "userName": self.name,
                "identityProvider": host,
            }
        if self.type == "AssumedRole":
            role_name = self.role_arn.rsplit("/", 1)[-1]
            context: dict[str, Any] = {
                "sessionIssuer": {
                    "type": "Role",
                    "principalId": self.role_id,
                    "arn": self.role_arn,
                    "accountId": self.account_id,
                    "userName": role_name,
                },
                "webIdFederationData": {},
                "attributes": {"creationDate": self.created, "mfaAuthenticated": "false"},
            }
            if self.source_identity:
                context["sourceIdentity"] = self.source_identity
            return {
                "type": "AssumedRole",
                "principalId": f"{self.role_id}:{self.name}",
                "arn": self.arn,
                "accountId": self.account_id,
                "accessKeyId": access_key or "",
                "sessionContext": context,
            }
        return {
            "type": "IAMUser",
            "principalId": _fake_id("AIDA", self.arn),
            "arn": self.arn,
            "accountId": self.account_id,
            "accessKeyId": access_key or "",
            "userName": self.name,
        }


def moto_identity(access_key: str, account_id: str) -> Identity | None:
    """Look ``access_key`` up in moto's state: an IAM user's key, or an STS session's (with the
    SourceIdentity :mod:`smtui.sandbox.fidelity_sts` keeps on it)."""
    try:
        from moto.iam.models import iam_backends
        from moto.sts.models import sts_backends
    except ImportError:  # pragma: no cover - moto is there whenever a sandbox runs
        return None
    with contextlib.suppress(Exception):
        for user in list(iam_backends[account_id]["aws"].users.values()):
            if any(k.access_key_id == access_key for k in user.access_keys):
                return Identity.user(user.name, account_id)
    with contextlib.suppress(Exception):
        for role in list(sts_backends[account_id]["aws"].assumed_roles):
            if role.access_key_id == access_key:
                # moto keeps no creation time: assume the default one-hour session
                return Identity.assumed_role(
                    role.role_arn,
                    role.session_name,
                    account_id,
                    source_identity=getattr(role, "source_identity", None),
                    created=iso(role.expiration - timedelta(seconds=3600)) if role.expiration else "",
                )
    return None

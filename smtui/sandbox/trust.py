"""Role trust policies, as STS evaluates them for AssumeRole (IAM User Guide, "Policy evaluation logic" and
"Monitor and control actions taken with assumed roles"):

- the role must exist (a role of another account does not, here): otherwise AccessDenied, as AWS does not
  say whether a role exists;
- an Allow statement must name the action (``sts:AssumeRole``; ``sts:SetSourceIdentity`` too when the
  request sets a SourceIdentity or the caller's session carries one) and a principal that is the caller:
  its ARN, its role's ARN for a session, its account (``123456789012`` or ``arn:aws:iam::…:root``), ``*``,
  or the service principal for a service acting itself;
- a Deny statement that matches wins.

Conditions are not evaluated (a statement with a Condition is taken as its Effect says).
"""

from __future__ import annotations

import fnmatch
import json
from typing import Any
from urllib.parse import unquote

from smtui.sandbox.identity import Identity


def find_role(role_arn: str, account_id: str) -> Any:
    """moto's role of ``role_arn`` in ``account_id``, or None."""
    from moto.iam.models import iam_backends

    if f":{account_id}:" not in role_arn:
        return None
    name = role_arn.rsplit("/", 1)[-1]
    try:
        backend = iam_backends[account_id]["aws"]
    except KeyError:
        return None
    for role in list(backend.roles.values()):
        if role.name == name and role.arn == role_arn:
            return role
    return None


def document(role: Any) -> dict[str, Any]:
    raw = getattr(role, "assume_role_policy_document", None) or "{}"
    if isinstance(raw, dict):
        return raw
    try:
        loaded: dict[str, Any] = json.loads(raw)
        return loaded
    except ValueError:
        try:
            unquoted: dict[str, Any] = json.loads(unquote(raw))
            return unquoted
        except ValueError:
            return {}


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _principals(who: Identity, account_id: str) -> dict[str, set[str]]:
    root = {account_id, f"arn:aws:iam::{account_id}:root", "*"}
    if who.type == "AWSService":
        return {"Service": {who.name, "*"}}
    if who.type == "AssumedRole":
        return {"AWS": root | {who.role_arn, who.arn}}
    return {"AWS": root | {who.arn}}


def _matches_principal(principal: Any, wanted: dict[str, set[str]]) -> bool:
    if principal == "*":
        return True
    if not isinstance(principal, dict):
        return False
    for kind, values in principal.items():
        if kind in wanted and any(v in wanted[kind] for v in _as_list(values)):
            return True
    return False


def _matches_action(actions: Any, action: str) -> bool:
    return any(fnmatch.fnmatchcase(action.lower(), str(a).lower()) for a in _as_list(actions))


def allows(doc: dict[str, Any], who: Identity, account_id: str, action: str) -> bool:
    """Whether the trust policy ``doc`` lets ``who`` perform ``action`` on its role."""
    wanted = _principals(who, account_id)
    allowed = False
    for statement in _as_list(doc.get("Statement")):
        if not isinstance(statement, dict):
            continue
        if not _matches_action(statement.get("Action"), action):
            continue
        if not _matches_principal(statement.get("Principal"), wanted):
            continue
        if statement.get("Effect") == "Deny":
            return False
        allowed = allowed or statement.get("Effect") == "Allow"
    return allowed


def allows_web_identity(doc: dict[str, Any]) -> bool:
    """Whether the trust policy lets a federated (OIDC) principal call AssumeRoleWithWebIdentity."""
    for statement in _as_list(doc.get("Statement")):
        if (
            isinstance(statement, dict)
            and statement.get("Effect") == "Allow"
            and isinstance(statement.get("Principal"), dict)
            and "Federated" in statement["Principal"]
            and _matches_action(statement.get("Action"), "sts:AssumeRoleWithWebIdentity")
        ):
            return True
    return False


def web_identity_provider(role_arn: str, account_id: str) -> str:
    """The identity provider a role trusts for web identities (its ARN), or ""."""
    role = find_role(role_arn, account_id)
    if role is None:
        return ""
    for statement in _as_list(document(role).get("Statement")):
        principal = statement.get("Principal") if isinstance(statement, dict) else None
        if isinstance(principal, dict) and principal.get("Federated"):
            return str(_as_list(principal["Federated"])[0])
    return ""

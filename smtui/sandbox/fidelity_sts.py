"""STS AssumeRole as AWS answers it (moto 5.2.5 lets anyone assume any role, even one that does not exist,
drops SourceIdentity and never expires a session).

- The role must exist and its trust policy must trust the caller (:mod:`smtui.sandbox.trust`);
  otherwise AccessDenied "User: ... is not authorized to perform: sts:AssumeRole on resource: ...".
- SourceIdentity is 2-64 characters of ``[\\w+=,.@-]`` and may not start with ``aws:`` (else
  ValidationError); setting one needs ``sts:SetSourceIdentity`` in the trust policy, and so does assuming
  a role with a session that carries one (role chaining); the response carries it; it is immutable: a
  session with one keeps it, and asking for a different one is denied.
- DurationSeconds must not exceed the role's MaxSessionDuration; once it has passed on the sandbox's clock,
  every call signed with the session's key answers ExpiredToken (the middleware asks :func:`expiry`).
- AssumeRoleWithWebIdentity needs a role that trusts a federated principal for it.

The middleware records the call (``requestParameters.sourceIdentity``) and maps the new access key to the
session, so the calls made with it are recorded with ``userIdentity.sessionContext.sourceIdentity``.
"""

from __future__ import annotations

import re
import threading
from datetime import UTC
from typing import Any
from xml.sax.saxutils import escape

from smtui.sandbox import trust

_PATTERN = re.compile(r"[\w+=,.@-]*\Z")
_original: dict[str, Any] = {}
_applied = False
#: session access key -> epoch second it expires
_EXPIRES: dict[str, float] = {}
_expires_lock = threading.Lock()


def validate(value: str) -> str | None:
    """AWS's complaint about a SourceIdentity value, or None when it is valid."""
    prefix = (
        f"1 validation error detected: Value '{value}' at 'sourceIdentity' failed to satisfy constraint: "
    )
    if len(value) < 2:
        return prefix + "Member must have length greater than or equal to 2"
    if len(value) > 64:
        return prefix + "Member must have length less than or equal to 64"
    if value.lower().startswith("aws:"):
        return f"SourceIdentity '{value}' is invalid: it cannot start with the reserved prefix 'aws:'"
    if not _PATTERN.match(value):
        return prefix + "Member must satisfy regular expression pattern: [\\w+=,.@-]*"
    return None


def expiry(access_key: str) -> float | None:
    """When the session of ``access_key`` expires (epoch seconds), or None for a key of no session."""
    return _EXPIRES.get(access_key)


def _caller_key(headers: Any) -> str:
    auth = headers.get("Authorization") or ""
    i = auth.find("Credential=")
    if i < 0:
        return ""
    return auth[i + 11 :].split("/", 1)[0]


def _denied(message: str) -> tuple[str, dict[str, Any]]:
    # answered directly: AccessDenied is not an error shape of the STS model, which moto would warn about
    body = (
        '<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type>'
        f"<Code>AccessDenied</Code><Message>{escape(message)}</Message></Error><RequestId></RequestId>"
        "</ErrorResponse>"
    )
    return body, {"status": 403, "Content-Type": "text/xml"}


def _remember(result: Any) -> None:
    role = result.result.get("Credentials") if isinstance(getattr(result, "result", None), dict) else None
    expiration = getattr(role, "expiration", None)
    key = getattr(role, "access_key_id", None)
    if key and expiration is not None:
        when = expiration if expiration.tzinfo else expiration.replace(tzinfo=UTC)
        with _expires_lock:
            _EXPIRES[key] = when.timestamp()


def assume_role(self: Any) -> Any:
    """The patched ``TokenResponse.assume_role``."""
    from moto.sts.exceptions import STSValidationError

    from smtui.sandbox.recorder import current

    requested = self._get_param("SourceIdentity")
    if requested is not None:
        problem = validate(requested)
        if problem:
            raise STSValidationError(problem)
    recorder = current()
    account = self.current_account
    who = recorder.identity(_caller_key(self.headers)) if recorder is not None else None
    inherited = who.source_identity if who is not None else None
    if inherited and requested and requested != inherited:
        return _denied(
            f"The source identity of this session is '{inherited}' and cannot be changed to '{requested}'."
        )
    role_arn = self._get_param("RoleArn") or ""
    role = trust.find_role(role_arn, account)
    caller = who.arn if who is not None and who.type != "AWSService" else (who.name if who else "unknown")
    if who is not None:
        doc = trust.document(role) if role is not None else {}
        if role is None or not trust.allows(doc, who, account, "sts:AssumeRole"):
            return _denied(
                f"User: {caller} is not authorized to perform: sts:AssumeRole on resource: {role_arn}"
            )
        if (requested or inherited) and not trust.allows(doc, who, account, "sts:SetSourceIdentity"):
            return _denied(
                f"User: {caller} is not authorized to perform: sts:SetSourceIdentity on resource: {role_arn}"
            )
    duration = self._get_param("DurationSeconds")
    if (
        role is not None
        and duration is not None
        and int(duration) > int(getattr(role, "max_session_duration", 3600))
    ):
        raise STSValidationError(
            "The requested DurationSeconds exceeds the MaxSessionDuration set for this role."
        )
    result = _original["assume_role"](self)
    source_identity = inherited or requested
    if isinstance(result.result, dict):
        if source_identity:
            result.result["SourceIdentity"] = source_identity
            # kept on moto's session too, so the recorder can tell who a key belongs to in any sandbox
            credentials = result.result.get("Credentials")
            if credentials is not None:
                credentials.source_identity = source_identity
        _remember(result)
    return result


def assume_role_with_web_identity(self: Any) -> Any:
    """The patched ``TokenResponse.assume_role_with_web_identity``: the role must trust a federation."""
    role_arn = self._get_param("RoleArn") or ""
    role = trust.find_role(role_arn, self.current_account)
    if role is None or not trust.allows_web_identity(trust.document(role)):
        return _denied(f"Not authorized to perform sts:AssumeRoleWithWebIdentity on resource: {role_arn}")
    result = _original["assume_role_with_web_identity"](self)
    _remember(result)
    return result


def apply() -> None:
    global _applied
    if _applied:
        return
    from moto.sts.responses import TokenResponse

    for name, fn in (
        ("assume_role", assume_role),
        ("assume_role_with_web_identity", assume_role_with_web_identity),
    ):
        _original[name] = getattr(TokenResponse, name)
        setattr(TokenResponse, name, fn)
    _applied = True

"""STS AssumeRole with SourceIdentity (moto 5.2.5 drops it and does not validate it).

As in AWS (IAM User Guide, "Monitor and control actions taken with assumed roles"):

- SourceIdentity is 2-64 characters of ``[\\w+=,.@-]`` and may not start with ``aws:``; otherwise
  the call fails with ``ValidationError``;
- the response carries ``SourceIdentity``;
- the value is immutable: a session assumed with credentials that already carry one keeps it (role
  chaining), and asking for a different one is denied.

The middleware records the AssumeRole call (``requestParameters.sourceIdentity``) and maps the new
access key to the session, so the calls made with it are recorded with
``userIdentity.sessionContext.sourceIdentity``.
"""

from __future__ import annotations

import re
from typing import Any
from xml.sax.saxutils import escape

_PATTERN = re.compile(r"[\w+=,.@-]*\Z")
_original: Any = None
_applied = False


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


def _caller_key(headers: Any) -> str:
    auth = headers.get("Authorization") or ""
    i = auth.find("Credential=")
    if i < 0:
        return ""
    return auth[i + 11 :].split("/", 1)[0]


def assume_role(self: Any) -> Any:
    """The patched ``TokenResponse.assume_role``."""
    from moto.sts.exceptions import STSValidationError

    from smtui.sandbox.recorder import current

    requested = self._get_param("SourceIdentity")
    if requested is not None:
        problem = validate(requested)
        if problem:
            raise STSValidationError(problem)
    inherited = None
    recorder = current()
    if recorder is not None:
        inherited = recorder.identity(_caller_key(self.headers)).source_identity
    if inherited and requested and requested != inherited:
        # answered directly: AccessDenied is not an error shape of the STS model, which moto would warn about
        message = escape(
            f"The source identity of this session is '{inherited}' and cannot be changed to '{requested}'."
        )
        body = (
            '<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type>'
            f"<Code>AccessDenied</Code><Message>{message}</Message></Error><RequestId></RequestId>"
            "</ErrorResponse>"
        )
        return body, {"status": 403, "Content-Type": "text/xml"}
    result = _original(self)
    source_identity = inherited or requested
    if source_identity and isinstance(result.result, dict):
        result.result["SourceIdentity"] = source_identity
        # kept on moto's session too, so the recorder can tell who a key belongs to in any sandbox
        role = result.result.get("Credentials")
        if role is not None:
            role.source_identity = source_identity
    return result


def apply() -> None:
    global _applied, _original
    if _applied:
        return
    from moto.sts.responses import TokenResponse

    _original = TokenResponse.assume_role
    TokenResponse.assume_role = assume_role  # type: ignore[method-assign]
    _applied = True

"""Turn every AWS failure into a value the UI can show: code, message, request id, HTTP status, hint.

Follows the SDK guide's error-handling advice (sagemaker-monitoring-excerpt.txt): read
``Error.Code``, ``Error.Message``, ``ResponseMetadata.RequestId`` and ``HTTPStatusCode`` from the
response instead of printing the exception. All strings are cleaned of terminal control sequences.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from smtui.text import clean

THROTTLING_CODES = frozenset(
    {
        "Throttling",
        "ThrottlingException",
        "ThrottledException",
        "RequestThrottledException",
        "TooManyRequestsException",
        "RequestLimitExceeded",
        "ProvisionedThroughputExceededException",
        "SlowDown",
    }
)
EXPIRED_CODES = frozenset(
    {
        "ExpiredToken",
        "ExpiredTokenException",
        "RequestExpired",
        "InvalidClientTokenId",
        "UnrecognizedClientException",
        "TokenRefreshRequired",
    }
)
ACCESS_DENIED_CODES = frozenset({"AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "403"})
NOT_FOUND_CODES = frozenset({"ResourceNotFound", "ResourceNotFoundException", "NoSuchEntity"})

_ACTION_RE = re.compile(r"perform: ([a-z0-9-]+:[A-Za-z0-9]+)")


@dataclass(eq=False)
class AwsError(Exception):
    """An AWS failure, ready for display. Raised by :meth:`smtui.aws.session.AwsSession.call`."""

    code: str
    message: str
    request_id: str = ""
    http_status: int | None = None
    operation: str = ""
    service: str = ""
    #: not an AWS error: smtui failed on its own (a bug, or a response it could not read)
    unexpected: bool = False

    def __str__(self) -> str:
        return self.one_line()

    @property
    def is_throttling(self) -> bool:
        return self.code in THROTTLING_CODES

    @property
    def is_expired(self) -> bool:
        return self.code in EXPIRED_CODES

    @property
    def is_access_denied(self) -> bool:
        return self.code in ACCESS_DENIED_CODES

    @property
    def is_not_found(self) -> bool:
        # DescribeNotebookInstance says a notebook instance does not exist with ValidationException RecordNotFound
        message = self.message.lower()
        return self.code in NOT_FOUND_CODES or (
            self.code == "ValidationException"
            and ("could not find" in message or "recordnotfound" in message)
        )

    @property
    def action(self) -> str:
        """The IAM action this call needs, e.g. ``logs:GetLogEvents``."""
        m = _ACTION_RE.search(self.message)
        if m:
            return m.group(1)
        if self.service and self.operation:
            return f"{_IAM_PREFIX.get(self.service, self.service)}:{self.operation}"
        return ""

    @property
    def hint(self) -> str:
        """What to do, where smtui keeps trying (the TUI: panes retry on their schedule)."""
        return self.advice()

    @property
    def is_unreachable(self) -> bool:
        return self.code in (
            "EndpointConnectionError",
            "ConnectionError",
            "ConnectTimeoutError",
            "ReadTimeoutError",
        )

    def advice(self, gave_up_after: int | None = None) -> str:
        """What to do. ``gave_up_after``: the call was tried that many times and nothing will try again (a
        headless command), so say what was tried instead of promising more."""
        if self.unexpected:
            return (
                "smtui could not handle this (a bug, or an answer it did not expect) and carries on; "
                "--debug-log FILE records the details."
            )
        if self.is_access_denied:
            return f"Your credentials may not call {self.action or 'this action'}; ask for it in your IAM policy."
        if self.is_expired:
            return "Your credentials have expired: refresh them (aws sso login, new keys), then press ctrl+r."
        if self.is_throttling:
            if gave_up_after:
                return (
                    f"AWS throttled these calls through {gave_up_after} tries with backoff; try again later."
                )
            return "AWS is throttling these calls; smtui is backing off and will retry."
        if self.is_not_found:
            return "It no longer exists (deleted, or in another account or region)."
        if self.is_unreachable:
            if gave_up_after:
                return (
                    f"Tried {gave_up_after} times. Check the endpoint (--endpoint-url, AWS_ENDPOINT_URL) and "
                    "region (--region), and that this machine can reach it (network, proxy, VPN)."
                )
            return "The AWS endpoint cannot be reached; smtui will keep retrying."
        if self.code == "NoCredentials":
            return "No AWS credentials were found: use --profile, set AWS_PROFILE, or try --demo."
        return ""

    def one_line(self) -> str:
        rid = f" (request id {self.request_id})" if self.request_id else ""
        return f"{self.code}: {self.message}{rid}"

    def details(self, gave_up_after: int | None = None) -> str:
        """A few lines for an error panel: what failed, why, and what to do (see :meth:`advice`)."""
        lines = [f"{self.code}: {self.message}"]
        meta = []
        if self.operation:
            meta.append(f"{'in' if self.unexpected else 'operation'} {self.operation}")
        if self.http_status:
            meta.append(f"HTTP {self.http_status}")
        if self.request_id:
            meta.append(f"request id {self.request_id}")
        if meta:
            lines.append(", ".join(meta))
        advice = self.advice(gave_up_after)
        if advice:
            lines.append(advice)
        return "\n".join(lines)


_IAM_PREFIX = {
    "sagemaker": "sagemaker",
    "logs": "logs",
    "cloudtrail": "cloudtrail",
    "cloudwatch": "cloudwatch",
    "sts": "sts",
}


def from_exception(exc: BaseException, *, service: str = "", operation: str = "") -> AwsError:
    """Convert any exception raised by a botocore call into an :class:`AwsError`."""
    if isinstance(exc, AwsError):
        return exc
    response = getattr(exc, "response", None)
    if isinstance(response, dict):
        err = response.get("Error") or {}
        meta = response.get("ResponseMetadata") or {}
        code = clean(err.get("Code") or "Unknown")
        message = clean(err.get("Message") or err.get("message") or "")
        status = meta.get("HTTPStatusCode")
        request_id = clean(
            meta.get("RequestId")
            or (meta.get("HTTPHeaders") or {}).get("x-amzn-requestid")
            or (meta.get("HTTPHeaders") or {}).get("x-amz-request-id")
            or ""
        )
        op = getattr(exc, "operation_name", "") or operation
        if code == "403" and not message:
            message = f"Access denied to {op or 'this operation'}"
        return AwsError(code, message, request_id, status, op, service)
    name = type(exc).__name__
    if name in ("NoCredentialsError", "PartialCredentialsError", "NoAuthTokenError"):
        return AwsError("NoCredentials", clean(str(exc)), operation=operation, service=service)
    if name in (
        "EndpointConnectionError",
        "ConnectionClosedError",
        "ClientConnectorError",
        "ServerDisconnectedError",
    ):
        return AwsError("EndpointConnectionError", clean(str(exc)), operation=operation, service=service)
    if name in ("ConnectTimeoutError", "ReadTimeoutError", "TimeoutError"):
        return AwsError(name, clean(str(exc)) or "timed out", operation=operation, service=service)
    if name in ("TokenRetrievalError", "SSOTokenLoadError", "UnauthorizedSSOTokenError"):
        return AwsError("ExpiredToken", clean(str(exc)), operation=operation, service=service)
    if name == "ParamValidationError":
        return AwsError("ParamValidation", clean(str(exc)), operation=operation, service=service)
    return AwsError(name, clean(str(exc)) or name, operation=operation, service=service)

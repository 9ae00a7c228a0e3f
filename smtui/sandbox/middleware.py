"""WSGI middleware around moto's server: request log, AWS-shaped throttling, CloudTrail recording and
AWS-shaped authorisation errors (method B of aws-api-semantics.md).

Per request it reads only headers: the service and region from the SigV4 credential scope, the operation
from ``X-Amz-Target`` (JSON protocol), the URL path (``/service/<target>/operation/<Op>``, the CBOR
protocol) or the ``Action`` form field (query protocol: STS, IAM), and the access key id. Bodies are
read only where needed: SageMaker calls and STS AssumeRole (to record them), and JSON-protocol calls
while IAM enforcement is on (to name the resource in an AccessDenied message). Logs calls are never
parsed.
"""

from __future__ import annotations

import io
import json
import logging
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl
from xml.sax.saxutils import unescape

from smtui.sandbox.recorder import Recorder, for_account, serving

log = logging.getLogger(__name__)

#: SigV4 signing names that differ from the client name
_SIGNING_TO_CLIENT = {"monitoring": "cloudwatch"}
#: services that answer in the JSON protocol: moto's XML 403s are rewritten for them
JSON_SERVICES = frozenset({"sagemaker", "logs", "cloudtrail"})

#: Real quotas, requests per second per account and region (aws-api-semantics.md).
THROTTLE_RATES: dict[tuple[str, str], float] = {
    ("logs", "FilterLogEvents"): 5.0,
    ("logs", "GetLogEvents"): 10.0,
    ("logs", "DescribeLogStreams"): 25.0,
    ("cloudtrail", "LookupEvents"): 2.0,
}
#: Every SageMaker List* operation (ListTrainingJobs is documented at 2/s, not adjustable).
SAGEMAKER_LIST_RATE = 2.0

_JSON_11 = "application/x-amz-json-1.1"
_ERROR_REWRITES = {
    "AccessDenied": "AccessDeniedException",
    "InvalidClientTokenId": "UnrecognizedClientException",
    "SignatureDoesNotMatch": "InvalidSignatureException",
}


def throttle_rate(service: str, operation: str) -> float | None:
    """The sandbox's quota for an operation, or ``None`` when it is not throttled."""
    rate = THROTTLE_RATES.get((service, operation))
    if rate is None and service == "sagemaker" and operation.startswith("List"):
        rate = SAGEMAKER_LIST_RATE
    return rate


@dataclass(frozen=True, slots=True)
class RequestRecord:
    """One request the sandbox answered. ``time`` is wall-clock epoch seconds, ``mono`` monotonic."""

    time: float
    service: str
    operation: str
    access_key: str
    status: int
    error: str | None = None  # the error code when the sandbox knows it (throttled, denied, recorded)
    source_ip: str = ""
    mono: float = 0.0

    @property
    def throttled(self) -> bool:
        return self.error == "ThrottlingException"


class _Bucket:
    """At most ``rate`` accepted calls in any one second (a sliding window), as AWS's "N requests per
    second" quotas promise; a burst of N after a quiet second is accepted, the N+1st is throttled."""

    __slots__ = ("capacity", "accepted", "rate")

    def __init__(self, rate: float, now: float) -> None:
        self.rate = rate
        self.capacity = max(1, int(rate))
        self.accepted: deque[float] = deque()

    def take(self, now: float) -> bool:
        accepted = self.accepted
        while accepted and accepted[0] <= now - 1.0:
            accepted.popleft()
        if len(accepted) < self.capacity:
            accepted.append(now)
            return True
        return False


def identify(environ: dict[str, Any]) -> tuple[str, str, str, str]:
    """(service, operation, access key id, region) from headers and path; "" where unknown."""
    service = region = key = operation = ""
    auth = environ.get("HTTP_AUTHORIZATION") or ""
    i = auth.find("Credential=")
    if i >= 0:
        end = auth.find(",", i)
        parts = auth[i + 11 : end if end >= 0 else None].strip().split("/")
        if len(parts) == 5:
            key, _, region, service, _ = parts
            service = _SIGNING_TO_CLIENT.get(service, service)
    target = environ.get("HTTP_X_AMZ_TARGET")
    if target:
        operation = target.rsplit(".", 1)[-1]
    else:
        path = environ.get("PATH_INFO") or ""
        if "/operation/" in path:  # smithy rpc-v2-cbor: /service/<target>/operation/<Op>
            operation = path.rsplit("/", 1)[-1]
        else:
            query = environ.get("QUERY_STRING") or ""
            if "Action=" in query:
                operation = dict(parse_qsl(query)).get("Action", "")
    return service, operation, key, region


def _read_body(environ: dict[str, Any]) -> bytes:
    """Read the request body and put it back for moto."""
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    stream = environ.get("wsgi.input")
    if stream is None:
        return b""
    if length > 0:
        body = stream.read(length)
    elif environ.get("wsgi.input_terminated"):
        body = stream.read()
    else:
        body = b""
    environ["wsgi.input"] = io.BytesIO(body)
    environ["CONTENT_LENGTH"] = str(len(body))
    return body


def _is_form(environ: dict[str, Any]) -> bool:
    return (environ.get("CONTENT_TYPE") or "").startswith("application/x-www-form-urlencoded")


class SandboxMiddleware:
    """Wraps moto's WSGI app. State shared with :class:`~smtui.sandbox.server.Sandbox`:
    ``requests`` (the bounded request log), ``recorder`` (of the sandbox's region; calls signed for
    another region are recorded in that region's recorder), and the ``throttle`` and ``iam`` switches."""

    def __init__(
        self,
        app: Callable[..., Any],
        *,
        recorder: Recorder,
        requests: deque[RequestRecord],
        region: str,
        account_id: str,
        throttle: bool = False,
    ) -> None:
        self.app = app
        self.recorder = recorder
        self.requests = requests
        self.region = region
        self.account_id = account_id
        self.throttle = throttle
        self.iam = False
        patch_iam_action_prefix()
        #: access key ids whose calls answer ExpiredToken (``"*"``: every key); see Sandbox.expire_credentials
        self.expired: set[str] = set()
        self._buckets: dict[tuple[str, str, str], _Bucket] = {}
        self._bucket_lock = threading.Lock()

    # ------------------------------------------------------------------ throttling
    def reset_buckets(self) -> None:
        with self._bucket_lock:
            self._buckets.clear()

    def _admit(self, region: str, service: str, operation: str) -> tuple[bool, float]:
        """Take a token; returns (admitted, the monotonic time of the decision)."""
        rate = throttle_rate(service, operation)
        if rate is None:
            return True, time.monotonic()
        with self._bucket_lock:
            now = time.monotonic()  # read under the lock, so decisions are in time order
            bucket = self._buckets.get((region, service, operation))
            if bucket is None:
                bucket = self._buckets[(region, service, operation)] = _Bucket(rate, now)
            return bucket.take(now), now

    # ------------------------------------------------------------------ WSGI
    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        wall, now = time.time(), time.monotonic()
        service, operation, key, region = identify(environ)
        region = region or self.region
        ip = environ.get("REMOTE_ADDR") or ""
        form: dict[str, str] | None = None
        if not operation and _is_form(environ):
            form = dict(parse_qsl(_read_body(environ).decode("utf-8", "replace")))
            operation = form.get("Action", "")

        if self.expired and key and ("*" in self.expired or key in self.expired):
            self.requests.append(
                RequestRecord(
                    wall,
                    service,
                    operation,
                    key,
                    400,
                    EXPIRED_CODE.get(service, "ExpiredTokenException"),
                    ip,
                    now,
                )
            )
            return _expired_error(environ, start_response, service, str(uuid.uuid4()))

        if self.throttle:
            admitted, now = self._admit(region, service, operation)
            if not admitted:
                self.requests.append(
                    RequestRecord(wall, service, operation, key, 400, "ThrottlingException", ip, now)
                )
                return _json_error(
                    start_response, "ThrottlingException", "message", "Rate exceeded", str(uuid.uuid4())
                )

        record = service == "sagemaker" or (service == "sts" and operation == "AssumeRole")
        rewrite = (service in JSON_SERVICES or service == "cloudwatch") and (self.iam or _iam_enforced())
        recorder = self.recorder if region == self.region else for_account(self.account_id, region)
        if not record and not rewrite:

            def logging_start_response(status: str, headers: Any, exc_info: Any = None) -> Any:
                self.requests.append(
                    RequestRecord(wall, service, operation, key, int(status[:3]), None, ip, now)
                )
                return start_response(status, headers, exc_info)

            with serving(recorder):
                return self.app(environ, logging_start_response)

        request_body = _read_body(environ) if (service == "sagemaker" or rewrite) else b""
        captured: dict[str, Any] = {}

        def capturing_start_response(status: str, headers: Any, exc_info: Any = None) -> Any:
            captured["status"], captured["headers"] = status, headers
            return captured.setdefault("chunks", []).append

        with serving(recorder):
            result = self.app(environ, capturing_start_response)
            try:
                body = b"".join([*captured.get("chunks", []), *result])
            finally:
                close = getattr(result, "close", None)
                if close is not None:
                    close()
        status_line: str = captured.get("status", "500 INTERNAL SERVER ERROR")
        headers: list[tuple[str, str]] = list(captured.get("headers", []))
        status = int(status_line[:3])
        request_id = next((v for k, v in headers if k.lower() == "x-amzn-requestid"), "") or str(uuid.uuid4())
        error: str | None = None

        if rewrite and status == 403 and service == "cloudwatch":
            status_line, headers, body, error = _rewrite_denied_cloudwatch(
                body, request_id, cbor="/operation/" in (environ.get("PATH_INFO") or "")
            )
            status = 403
        elif rewrite and status == 403:
            status_line, headers, body, error = self._rewrite_denied(
                body, request_id, service, operation, region, request_body
            )
            status = 400

        try:  # recording must never cost the caller its answer
            if service == "sagemaker":
                event = recorder.record_sagemaker(
                    operation=operation,
                    access_key=key,
                    region=region,
                    source_ip=ip,
                    user_agent=environ.get("HTTP_USER_AGENT", ""),
                    request_body=request_body,
                    status=status,
                    response_body=body,
                    request_id=request_id,
                )
                error = error or event.get("errorCode")
            elif record and form is not None:
                event = recorder.record_assume_role(
                    access_key=key,
                    region=region,
                    source_ip=ip,
                    user_agent=environ.get("HTTP_USER_AGENT", ""),
                    params=form,
                    status=status,
                    response_body=body,
                    request_id=request_id,
                )
                error = error or event.get("errorCode")
        except Exception:
            log.exception("could not record %s.%s in CloudTrail", service, operation)

        self.requests.append(RequestRecord(wall, service, operation, key, status, error, ip, now))
        headers = [(k, v) for k, v in headers if k.lower() != "content-length"]
        headers.append(("Content-Length", str(len(body))))
        start_response(status_line, headers)
        return [body]

    def _rewrite_denied(
        self, body: bytes, request_id: str, service: str, operation: str, region: str, request_body: bytes
    ) -> tuple[str, list[tuple[str, str]], bytes, str]:
        """moto's XML 403 for a JSON-protocol service -> what AWS sends: HTTP 400 with a JSON error."""
        text = body.decode("utf-8", "replace")
        code = unescape(_tag(text, "Code") or "AccessDenied")
        message = unescape(_tag(text, "Message") or "")
        new_code = _ERROR_REWRITES.get(code, code)
        if code == "AccessDenied":
            action = (
                message.rsplit("perform: ", 1)[-1].strip()
                if "perform: " in message
                else f"{service}:{operation}"
            )
            resource = denied_resource(service, operation, region, self.account_id, request_body)
            message = (
                f"{message} on resource: {resource} because no identity-based policy allows "
                f"the {action} action"
            )
        payload = json.dumps({"__type": new_code, "Message": message}).encode()
        headers = [
            ("Content-Type", _JSON_11),
            ("x-amzn-RequestId", request_id),
            ("Content-Length", str(len(payload))),
        ]
        return "400 Bad Request", headers, payload, new_code


def _rewrite_denied_cloudwatch(
    body: bytes, request_id: str, *, cbor: bool
) -> tuple[str, list[tuple[str, str]], bytes, str]:
    """moto's XML 403 for CloudWatch (which SDKs speak as JSON or smithy rpc-v2-cbor) -> what AWS sends:
    HTTP 403 with an ``AccessDenied`` error in that protocol, naming the ``cloudwatch:`` action."""
    text = body.decode("utf-8", "replace")
    code = unescape(_tag(text, "Code") or "AccessDenied")
    message = unescape(_tag(text, "Message") or "")
    if code == "AccessDenied" and "perform: " in message:
        action = message.rsplit("perform: ", 1)[-1].strip()
        message = f"{message} because no identity-based policy allows the {action} action"
    if cbor:
        payload = (
            b"\xa2" + _cbor_text("__type") + _cbor_text(code) + _cbor_text("message") + _cbor_text(message)
        )
        headers = [("Content-Type", "application/cbor"), ("smithy-protocol", "rpc-v2-cbor")]
    else:
        payload = json.dumps({"__type": code, "message": message}).encode()
        headers = [("Content-Type", "application/x-amz-json-1.0")]
    headers += [
        ("x-amzn-query-error", f"{code};Sender"),
        ("x-amzn-RequestId", request_id),
        ("Content-Length", str(len(payload))),
    ]
    return "403 Forbidden", headers, payload, code


_iam_prefix_patched = False


def patch_iam_action_prefix() -> None:
    """moto authorises CloudWatch calls as ``monitoring:GetMetricData`` (the SigV4 signing name); IAM
    policies name them ``cloudwatch:GetMetricData``. Idempotent."""
    global _iam_prefix_patched
    if _iam_prefix_patched:
        return
    from moto.iam.access_control import IAMRequestBase

    original = IAMRequestBase.__init__

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        if self._action.startswith("monitoring:"):
            self._action = "cloudwatch:" + self._action.split(":", 1)[1]

    IAMRequestBase.__init__ = __init__  # type: ignore[method-assign]
    _iam_prefix_patched = True


def _iam_enforced() -> bool:
    """Whether moto authorises requests now (process-wide: any sandbox, or moto's own switch)."""
    from moto import settings

    return settings.INITIAL_NO_AUTH_ACTION_COUNT != float("inf")


def denied_resource(service: str, operation: str, region: str, account_id: str, request_body: bytes) -> str:
    """The resource an AccessDenied message names, as AWS would for the common calls."""
    params: dict[str, Any] = {}
    if request_body and len(request_body) < 65536:
        try:
            loaded = json.loads(request_body)
            params = loaded if isinstance(loaded, dict) else {}
        except ValueError:
            params = {}
    if service == "logs":
        group = params.get("logGroupName") or ""
        stream = params.get("logStreamName") or ""
        return f"arn:aws:logs:{region}:{account_id}:log-group:{group}:log-stream:{stream}"
    if service == "sagemaker":
        from smtui.sandbox.recorder import sagemaker_resources

        found = sagemaker_resources(params, None, region, account_id)
        if found:
            return found[0]["ARN"]
        return f"arn:aws:sagemaker:{region}:{account_id}:*"
    return "*"


def _tag(text: str, tag: str) -> str | None:
    start = text.find(f"<{tag}>")
    if start < 0:
        return None
    start += len(tag) + 2
    end = text.find(f"</{tag}>", start)
    return text[start:end] if end >= 0 else None


#: what AWS answers a call signed with an expired session token: the JSON services say
#: ExpiredTokenException, the query services (STS, IAM) and CloudWatch ExpiredToken
EXPIRED_CODE = {"sts": "ExpiredToken", "iam": "ExpiredToken", "cloudwatch": "ExpiredToken"}
EXPIRED_MESSAGE = "The security token included in the request is expired"


def _cbor_text(s: str) -> bytes:
    data = s.encode()
    n = len(data)
    head = (
        bytes([0x60 | n])
        if n < 24
        else (bytes([0x78, n]) if n < 256 else bytes([0x79]) + n.to_bytes(2, "big"))
    )
    return head + data


def _expired_error(
    environ: dict[str, Any], start_response: Callable[..., Any], service: str, request_id: str
) -> list[bytes]:
    """HTTP 400 ExpiredToken(Exception) in the protocol the caller speaks (JSON, CBOR or query XML)."""
    code = EXPIRED_CODE.get(service, "ExpiredTokenException")
    if "/operation/" in (environ.get("PATH_INFO") or ""):  # smithy rpc-v2-cbor (CloudWatch)
        payload = (
            b"\xa2"
            + _cbor_text("__type")
            + _cbor_text(code)
            + _cbor_text("message")
            + _cbor_text(EXPIRED_MESSAGE)
        )
        start_response(
            "400 Bad Request",
            [
                ("Content-Type", "application/cbor"),
                ("smithy-protocol", "rpc-v2-cbor"),
                ("x-amzn-RequestId", request_id),
                ("Content-Length", str(len(payload))),
            ],
        )
        return [payload]
    if environ.get("HTTP_X_AMZ_TARGET") or service in JSON_SERVICES:
        return _json_error(start_response, code, "message", EXPIRED_MESSAGE, request_id)
    payload = (
        f"<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code><Message>{EXPIRED_MESSAGE}</Message>"
        f"</Error><RequestId>{request_id}</RequestId></ErrorResponse>"
    ).encode()
    start_response(
        "400 Bad Request",
        [
            ("Content-Type", "text/xml"),
            ("x-amzn-RequestId", request_id),
            ("Content-Length", str(len(payload))),
        ],
    )
    return [payload]


def _json_error(
    start_response: Callable[..., Any], code: str, message_key: str, message: str, request_id: str
) -> list[bytes]:
    payload = json.dumps({"__type": code, message_key: message}).encode()
    start_response(
        "400 Bad Request",
        [
            ("Content-Type", _JSON_11),
            ("x-amzn-RequestId", request_id),
            ("Content-Length", str(len(payload))),
        ],
    )
    return [payload]


def count(
    requests: Iterable[RequestRecord],
    service: str,
    operation: str | None = None,
    *,
    throttled: bool | None = None,
) -> int:
    """Requests of ``service`` (and ``operation``); ``throttled`` True/False selects only those
    the sandbox throttled / let through."""
    service = _SIGNING_TO_CLIENT.get(service, service)
    return sum(
        1
        for r in list(requests)
        if r.service == service
        and (operation is None or r.operation == operation)
        and (throttled is None or r.throttled == throttled)
    )


def max_per_second(
    requests: Iterable[RequestRecord], service: str, operation: str, *, include_throttled: bool = False
) -> int:
    """The most requests of one operation the sandbox accepted within any one second (sliding window;
    a microsecond of slack absorbs clock rounding at the window's edge)."""
    service = _SIGNING_TO_CLIENT.get(service, service)
    times = sorted(
        r.mono
        for r in list(requests)
        if r.service == service and r.operation == operation and (include_throttled or not r.throttled)
    )
    best = j = 0
    for i, t in enumerate(times):
        while times[j] <= t - 1.0 + 1e-6:
            j += 1
        best = max(best, i - j + 1)
    return best

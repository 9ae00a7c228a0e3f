"""WSGI middleware around moto's server (method B of aws-api-semantics.md): readiness, the request log,
AWS-shaped throttling and expiry, the lifecycles' pump, CloudTrail recording and AWS-shaped authorisation
errors.

Per request it reads only headers: the service and region from the SigV4 credential scope, the operation
from ``X-Amz-Target`` (JSON protocol), the URL path (``/service/<target>/operation/<Op>``, the CBOR
protocol; ``/endpoints/<name>/invocations``, SageMaker Runtime) or the ``Action`` form field (query
protocol: STS, IAM), and the access key id. Bodies are read only for the calls CloudTrail records
(management events of SageMaker, CloudWatch Logs, IAM and STS) and, while IAM enforcement is on, for
JSON-protocol calls (to name the resource in an AccessDenied message). The data-plane calls (PutLogEvents,
GetLogEvents, FilterLogEvents, InvokeEndpoint, metrics) are never parsed nor recorded, as on AWS.
"""

from __future__ import annotations

import io
import logging
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qsl

from smtui.sandbox import answers, fidelity_sts, lifecycle
from smtui.sandbox.clock import Clock
from smtui.sandbox.recorder import Recorder, for_account, serving
from smtui.sandbox.requestlog import (  # noqa: F401 - also reached through this module
    SAGEMAKER_LIST_RATE,
    SIGNING_TO_CLIENT,
    THROTTLE_RATES,
    Bucket,
    RequestRecord,
    count,
    max_per_second,
    throttle_rate,
)

log = logging.getLogger(__name__)

#: the header the sandbox's own clients carry: requests with it are served before the seed is in
TOKEN_HEADER = "HTTP_X_SMTUI_SANDBOX_TOKEN"
#: the header of writes the sandbox makes as SageMaker itself would (the seed's logs and metrics): not
#: anybody's API call, so not in CloudTrail
QUIET_HEADER = "HTTP_X_SMTUI_SANDBOX_QUIET"
#: CloudWatch Logs calls that are not management events (CloudTrail does not log them)
LOGS_DATA_PLANE = frozenset(
    {"PutLogEvents", "GetLogEvents", "FilterLogEvents", "StartLiveTail", "GetLogRecord"}
)
_RUNTIME_OPERATIONS = {
    "invocations": "InvokeEndpoint",
    "async-invocations": "InvokeEndpointAsync",
    "invocations-response-stream": "InvokeEndpointWithResponseStream",
}


def recorded(service: str, operation: str) -> bool:
    """Whether CloudTrail records a call as a management event."""
    if service in ("sagemaker", "sts", "iam"):
        return True
    return service == "logs" and operation not in LOGS_DATA_PLANE


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
            service = SIGNING_TO_CLIENT.get(service, service)
    target = environ.get("HTTP_X_AMZ_TARGET")
    path = environ.get("PATH_INFO") or ""
    if target:
        operation = target.rsplit(".", 1)[-1]
    elif service == "sagemaker" and path.startswith("/endpoints/"):  # SageMaker Runtime signs as sagemaker
        service = "sagemaker-runtime"
        operation = _RUNTIME_OPERATIONS.get(path.rsplit("/", 1)[-1], "")
    elif "/operation/" in path:  # smithy rpc-v2-cbor: /service/<target>/operation/<Op>
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
    body: bytes
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
    another region are recorded in that region's recorder), ``ready``, and the ``throttle`` and ``iam``
    switches."""

    def __init__(
        self,
        app: Callable[..., Any],
        *,
        recorder: Recorder,
        requests: deque[RequestRecord],
        region: str,
        account_id: str,
        clock: Clock | None = None,
        token: str = "",
        throttle: bool = False,
    ) -> None:
        self.app = app
        self.recorder = recorder
        self.requests = requests
        self.region = region
        self.account_id = account_id
        self.clock = clock or Clock()
        self.token = token
        #: False until the seed is in: until then only the sandbox's own clients are answered
        self.ready = True
        self.throttle = throttle
        self.iam = False
        patch_iam_action_prefix()
        #: access key ids whose calls answer ExpiredToken (``"*"``: every key); see Sandbox.expire_credentials
        self.expired: set[str] = set()
        self._buckets: dict[tuple[str, str, str], Bucket] = {}
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
                bucket = self._buckets[(region, service, operation)] = Bucket(rate, now)
            return bucket.take(now), now

    def _is_expired(self, key: str) -> bool:
        if self.expired and ("*" in self.expired or key in self.expired):
            return True
        expires = fidelity_sts.expiry(key)
        return expires is not None and self.clock.time() >= expires

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
            if not service and operation in ("AssumeRoleWithWebIdentity", "AssumeRoleWithSAML"):
                service = "sts"  # unsigned calls: they carry a token instead

        def refuse(status: int, code: str) -> None:
            self.requests.append(RequestRecord(wall, service, operation, key, status, code, ip, now))

        if not self.ready and environ.get(TOKEN_HEADER) != self.token:
            refuse(503, "ServiceUnavailable")
            return answers.unavailable(environ, start_response, service, str(uuid.uuid4()))
        if key and self._is_expired(key):
            refuse(400, answers.EXPIRED_CODE.get(service, "ExpiredTokenException"))
            return answers.expired_error(environ, start_response, service, str(uuid.uuid4()))
        if self.throttle:
            admitted, now = self._admit(region, service, operation)
            if not admitted:
                refuse(400, "ThrottlingException")
                return answers.json_error(
                    start_response, "ThrottlingException", "message", "Rate exceeded", str(uuid.uuid4())
                )
        engine = lifecycle.engine_for(self.account_id, region)
        if engine is not None:
            engine.pump()

        record = recorded(service, operation) and environ.get(QUIET_HEADER) != self.token
        rewrite = (service in answers.JSON_SERVICES or service == "cloudwatch") and (
            self.iam or _iam_enforced()
        )
        recorder = self.recorder if region == self.region else for_account(self.account_id, region)
        if not record and not rewrite:

            def logging_start_response(status: str, headers: Any, exc_info: Any = None) -> Any:
                self.requests.append(
                    RequestRecord(wall, service, operation, key, int(status[:3]), None, ip, now)
                )
                return start_response(status, headers, exc_info)

            with serving(recorder):
                answer: Iterable[bytes] = self.app(environ, logging_start_response)
                return answer

        request_body = _read_body(environ) if form is None else b""
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
            status_line, headers, body, error = answers.rewrite_denied_cloudwatch(
                body, request_id, cbor="/operation/" in (environ.get("PATH_INFO") or "")
            )
        elif rewrite and status == 403:
            status_line, headers, body, error = answers.rewrite_denied(
                body, request_id, service, operation, region, self.account_id, request_body
            )
            status = 400

        if record:
            try:  # recording must never cost the caller its answer
                event = recorder.record(
                    service=service,
                    operation=operation,
                    access_key=key,
                    region=region,
                    source_ip=ip,
                    user_agent=environ.get("HTTP_USER_AGENT", ""),
                    request_body=request_body,
                    form=form,
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

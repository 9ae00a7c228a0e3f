"""AWS-shaped error answers the sandbox sends itself: AccessDenied as each protocol has it (moto answers
XML 403s even to JSON services), ExpiredToken, ThrottlingException and ServiceUnavailable."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any
from xml.sax.saxutils import unescape

JSON_11 = "application/x-amz-json-1.1"
#: services that answer in the JSON protocol: moto's XML 403s are rewritten for them
JSON_SERVICES = frozenset({"sagemaker", "sagemaker-runtime", "logs", "cloudtrail"})
_ERROR_REWRITES = {
    "AccessDenied": "AccessDeniedException",
    "InvalidClientTokenId": "UnrecognizedClientException",
    "SignatureDoesNotMatch": "InvalidSignatureException",
}


def rewrite_denied(
    body: bytes,
    request_id: str,
    service: str,
    operation: str,
    region: str,
    account_id: str,
    request_body: bytes,
) -> tuple[str, list[tuple[str, str]], bytes, str]:
    """moto's XML 403 for a JSON-protocol service -> what AWS sends: HTTP 400 with a JSON error."""
    text = body.decode("utf-8", "replace")
    code = unescape(_tag(text, "Code") or "AccessDenied")
    message = unescape(_tag(text, "Message") or "")
    new_code = _ERROR_REWRITES.get(code, code)
    if code == "AccessDenied":
        action = (
            message.rsplit("perform: ", 1)[-1].strip() if "perform: " in message else f"{service}:{operation}"
        )
        resource = denied_resource(service, operation, region, account_id, request_body)
        message = (
            f"{message} on resource: {resource} because no identity-based policy allows the {action} action"
        )
    payload = json.dumps({"__type": new_code, "Message": message}).encode()
    headers = [
        ("Content-Type", JSON_11),
        ("x-amzn-RequestId", request_id),
        ("Content-Length", str(len(payload))),
    ]
    return "400 Bad Request", headers, payload, new_code


def rewrite_denied_cloudwatch(
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
        payload = b"\xa2" + cbor_text("__type") + cbor_text(code) + cbor_text("message") + cbor_text(message)
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
        from smtui.sandbox.trail_records import sagemaker_resources

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


def cbor_text(s: str) -> bytes:
    data = s.encode()
    n = len(data)
    head = (
        bytes([0x60 | n])
        if n < 24
        else (bytes([0x78, n]) if n < 256 else bytes([0x79]) + n.to_bytes(2, "big"))
    )
    return head + data


def expired_error(
    environ: dict[str, Any], start_response: Callable[..., Any], service: str, request_id: str
) -> list[bytes]:
    """HTTP 400 ExpiredToken(Exception) in the protocol the caller speaks (JSON, CBOR or query XML)."""
    code = EXPIRED_CODE.get(service, "ExpiredTokenException")
    if "/operation/" in (environ.get("PATH_INFO") or ""):  # smithy rpc-v2-cbor (CloudWatch)
        payload = (
            b"\xa2"
            + cbor_text("__type")
            + cbor_text(code)
            + cbor_text("message")
            + cbor_text(EXPIRED_MESSAGE)
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
        return json_error(start_response, code, "message", EXPIRED_MESSAGE, request_id)
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


def json_error(
    start_response: Callable[..., Any], code: str, message_key: str, message: str, request_id: str
) -> list[bytes]:
    payload = json.dumps({"__type": code, message_key: message}).encode()
    start_response(
        "400 Bad Request",
        [
            ("Content-Type", JSON_11),
            ("x-amzn-RequestId", request_id),
            ("Content-Length", str(len(payload))),
        ],
    )
    return [payload]


def unavailable(
    environ: dict[str, Any], start_response: Callable[..., Any], service: str, request_id: str
) -> list[bytes]:
    """HTTP 503 with Retry-After: what the sandbox answers until it is seeded (every SDK retries it)."""
    message = "The sandbox is starting: it answers once its account is seeded"
    if (
        environ.get("HTTP_X_AMZ_TARGET")
        or service in JSON_SERVICES
        or "/operation/" in (environ.get("PATH_INFO") or "")
    ):
        payload = json.dumps({"__type": "ServiceUnavailable", "message": message}).encode()
        kind = JSON_11
    else:
        payload = (
            f"<ErrorResponse><Error><Type>Receiver</Type><Code>ServiceUnavailable</Code><Message>{message}"
            f"</Message></Error><RequestId>{request_id}</RequestId></ErrorResponse>"
        ).encode()
        kind = "text/xml"
    start_response(
        "503 Service Unavailable",
        [
            ("Content-Type", kind),
            ("Retry-After", "1"),
            ("x-amzn-RequestId", request_id),
            ("Content-Length", str(len(payload))),
        ],
    )
    return [payload]

"""CloudTrail records of the calls the sandbox serves, in CloudTrail's layout (eventVersion 1.09): management
events of SageMaker (JSON), CloudWatch Logs (JSON), IAM and STS (query protocol; AssumeRole and
AssumeRoleWithWebIdentity with their request and response elements, the secret and the token left out).

Each record is a plain dict as CloudTrail writes it into its S3 files (``{"Records": [...]}``).
"""

from __future__ import annotations

import base64
import contextlib
import json
import uuid
from datetime import datetime
from typing import Any
from xml.sax.saxutils import unescape

from smtui.sandbox.identity import Identity, iso
from smtui.sandbox.kinds import KINDS

#: SageMaker name parameters -> (CloudTrail resource type, ARN resource prefix): each kind's (the sandbox's
#: kind table), and the resources that are no kind of their own
_SAGEMAKER_RESOURCES: dict[str, tuple[str, str]] = {
    **{k.name_field: (k.trail_type, k.arn_prefix) for k in KINDS.values() if k.trail_type},
    "EndpointConfigName": ("AWS::SageMaker::EndpointConfig", "endpoint-config"),
    "ModelName": ("AWS::SageMaker::Model", "model"),
    "PipelineName": ("AWS::SageMaker::Pipeline", "pipeline"),
}
#: request keys whose values are maps with user-chosen keys: CloudTrail keeps those keys as sent
_MAP_KEYS = frozenset({"Environment", "HyperParameters", "ContainerArguments", "CustomAttributes"})
_READ_PREFIXES = ("List", "Describe", "Get", "Search", "BatchDescribe", "BatchGet", "Query", "Test")
EVENT_SOURCES = {
    "sagemaker": "sagemaker.amazonaws.com",
    "logs": "logs.amazonaws.com",
    "iam": "iam.amazonaws.com",
    "sts": "sts.amazonaws.com",
}
#: query-protocol form fields that are not request parameters
_NOT_PARAMETERS = frozenset({"Action", "Version"})


def is_read_only(operation: str) -> bool:
    return operation.startswith(_READ_PREFIXES)


def camel(value: Any, parent: str = "") -> Any:
    """CloudTrail's requestParameters/responseElements spelling: structure keys in lowerCamelCase,
    user-chosen map keys (environment variables, hyperparameters) as sent."""
    if isinstance(value, dict):
        if parent in _MAP_KEYS:
            return dict(value)
        return {(k[:1].lower() + k[1:] if isinstance(k, str) else k): camel(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [camel(v, parent) for v in value]
    return value


def event(
    *,
    who: Identity,
    when: datetime,
    account_id: str,
    event_source: str,
    operation: str,
    access_key: str | None,
    region: str,
    source_ip: str,
    user_agent: str,
    request_parameters: Any,
    response_elements: Any,
    request_id: str,
    error_code: str | None = None,
    error_message: str | None = None,
    resources: list[dict[str, str]] | None = None,
    read_only: bool | None = None,
) -> dict[str, Any]:
    """One management event."""
    if who.type == "AWSService":  # a service acting itself is its own source and agent
        source_ip = user_agent = who.name
    record: dict[str, Any] = {
        "eventVersion": "1.09",
        "userIdentity": who.user_identity(access_key),
        "eventTime": iso(when),
        "eventSource": event_source,
        "eventName": operation,
        "awsRegion": region,
        "sourceIPAddress": source_ip,
        "userAgent": user_agent,
    }
    if error_code:
        record["errorCode"] = error_code
        record["errorMessage"] = error_message or ""
    record["requestParameters"] = request_parameters
    record["responseElements"] = response_elements
    record["requestID"] = request_id
    record["eventID"] = str(uuid.uuid4())
    record["readOnly"] = is_read_only(operation) if read_only is None else read_only
    if resources:
        record["resources"] = resources
    record["eventType"] = "AwsApiCall"
    record["managementEvent"] = True
    record["recipientAccountId"] = account_id
    record["eventCategory"] = "Management"
    return record


def json_call(
    service: str,
    operation: str,
    account_id: str,
    region: str,
    request_body: bytes,
    status: int,
    response_body: bytes,
) -> dict[str, Any]:
    """The request/response/error/resources fields of a JSON-protocol call (SageMaker, CloudWatch Logs)."""
    params = _loads(request_body)
    response = _loads(response_body) if (status >= 400 or not is_read_only(operation)) else None
    error_code = error_message = None
    if status >= 400:
        error_code, error_message = _json_error(response, status)
        response = None
    return {
        "request_parameters": camel(params) if isinstance(params, dict) else params,
        "response_elements": camel(response) if isinstance(response, dict) and response else None,
        "error_code": error_code,
        "error_message": error_message,
        "resources": sagemaker_resources(params, response, region, account_id)
        if service == "sagemaker"
        else None,
    }


def query_call(form: dict[str, str], status: int, response_body: bytes) -> dict[str, Any]:
    """The fields of a query-protocol call (IAM, STS other than AssumeRole*): the form's parameters."""
    params = {k[:1].lower() + k[1:]: v for k, v in form.items() if k not in _NOT_PARAMETERS} or None
    fields: dict[str, Any] = {"request_parameters": params, "response_elements": None}
    if status >= 400:
        text = response_body.decode("utf-8", "replace")
        fields["error_code"] = _xml(text, "Code") or str(status)
        fields["error_message"] = _xml(text, "Message") or ""
    return fields


def assume_role_call(
    operation: str, form: dict[str, str], status: int, response_body: bytes, account_id: str, when: datetime
) -> tuple[dict[str, Any], tuple[str, Identity] | None]:
    """The fields of AssumeRole / AssumeRoleWithWebIdentity, and the new key's identity on success."""
    role_arn = form.get("RoleArn", "")
    session = form.get("RoleSessionName", "")
    request: dict[str, Any] = {"roleArn": role_arn, "roleSessionName": session}
    if "DurationSeconds" in form:
        with contextlib.suppress(ValueError):
            request["durationSeconds"] = int(form["DurationSeconds"])
    if "SourceIdentity" in form:
        request["sourceIdentity"] = form["SourceIdentity"]
    text = response_body.decode("utf-8", "replace")
    fields: dict[str, Any] = {
        "request_parameters": request,
        "response_elements": None,
        "read_only": True,
        "resources": [{"accountId": account_id, "type": "AWS::IAM::Role", "ARN": role_arn}]
        if role_arn
        else None,
    }
    if status >= 400:
        fields["error_code"] = _xml(text, "Code") or str(status)
        fields["error_message"] = _xml(text, "Message") or ""
        return fields, None
    new_key = _xml(text, "AccessKeyId")
    assumed_id = _xml(text, "AssumedRoleId") or ""
    source_identity = _xml(text, "SourceIdentity")
    response: dict[str, Any] = {
        # the session token and the secret stay out of the record
        "credentials": {"accessKeyId": new_key, "expiration": _xml(text, "Expiration") or ""},
        "assumedRoleUser": {"assumedRoleId": assumed_id, "arn": _xml(text, "Arn") or ""},
    }
    if source_identity:
        response["sourceIdentity"] = source_identity
    if operation == "AssumeRoleWithWebIdentity":
        response["subjectFromWebIdentityToken"] = token_subject(form.get("WebIdentityToken", ""))
        response["audience"] = "sts.amazonaws.com"
    fields["response_elements"] = response
    registered = None
    if new_key:
        role_id = assumed_id.split(":", 1)[0] if assumed_id else ""
        registered = (
            new_key,
            Identity.assumed_role(
                role_arn,
                session,
                account_id,
                role_id=role_id,
                source_identity=source_identity,
                created=iso(when),
            ),
        )
    return fields, registered


def token_subject(token: str) -> str:
    """The ``sub`` claim of a JWT (unverified: the sandbox trusts every token), else ``unknown``."""
    try:
        payload = token.split(".")[1]
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        return str(claims.get("sub") or "unknown")
    except Exception:
        return "unknown"


def sagemaker_resources(
    params: Any, response: Any, region: str, account_id: str
) -> list[dict[str, str]] | None:
    """The ``resources`` of a SageMaker record, where the request names one."""
    if not isinstance(params, dict):
        return None
    for key, (rtype, prefix) in _SAGEMAKER_RESOURCES.items():
        name = params.get(key)
        if isinstance(name, str) and name:
            arn = None
            if isinstance(response, dict):
                arn = response.get(key.replace("Name", "Arn"))
            if not isinstance(arn, str) or not arn:
                arn = f"arn:aws:sagemaker:{region}:{account_id}:{prefix}/{name}"
            return [{"accountId": account_id, "type": rtype, "ARN": arn}]
    return None


def _loads(body: bytes) -> Any:
    if not body:
        return None
    try:
        return json.loads(body)
    except ValueError:
        return None


def _json_error(response: Any, status: int) -> tuple[str, str]:
    if isinstance(response, dict):
        code = str(response.get("__type") or status).rsplit("#", 1)[-1]
        message = response.get("message") or response.get("Message") or ""
        return code, str(message)
    return str(status), ""


def _xml(text: str, tag: str) -> str | None:
    start = text.find(f"<{tag}>")
    if start < 0:
        return None
    start += len(tag) + 2
    end = text.find(f"</{tag}>", start)
    return unescape(text[start:end]) if end >= 0 else None

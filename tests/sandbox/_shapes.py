"""Checking an answer against its operation's output shape in botocore's service model: required members,
members the model does not have, empty structures AWS leaves out, types, enums, string patterns (ARN
formats) and lengths, number ranges.

``raw`` answers (the JSON a JSON-protocol service sent, before botocore drops what it does not know) are
checked in wire types (timestamps as epoch numbers); parsed answers (query and CBOR protocols) in Python
types (timestamps as datetimes; unknown members are gone by then).
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
from typing import Any

# botocore's models, loaded once per process (the same accessors the sandbox fits its answers with)
from smtui.sandbox.shapes import output_shape
from smtui.sandbox.shapes import service_model as model

__all__ = ["Capture", "model", "output_shape", "problems"]


@functools.cache
def _pattern(pattern: str) -> re.Pattern[str] | None:
    try:
        return re.compile(pattern)
    except re.error:  # a Java-only construct (\p{...}): not checked
        return None


def problems(shape: Any, value: Any, path: str = "", *, raw: bool = True) -> list[str]:
    """What is wrong with ``value`` as an instance of ``shape`` (empty: nothing)."""
    if shape is None:
        return [] if value in (None, {}) else [f"{path or '<output>'}: the operation has no output"]
    out: list[str] = []
    kind = shape.type_name
    where = path or "<output>"
    if kind == "structure":
        if not isinstance(value, dict):
            return [f"{where}: {type(value).__name__}, not a structure"]
        for name in shape.required_members:
            if name not in value:
                out.append(f"{where}.{name}: required, missing")
        for name, item in value.items():
            member = shape.members.get(name)
            if member is None:
                if raw:
                    out.append(f"{where}.{name}: not a member of {shape.name}")
                continue
            if member.type_name == "structure" and item == {} and member.required_members:
                out.append(f"{where}.{name}: an empty structure (AWS leaves it out)")
                continue
            out += problems(member, item, f"{where}.{name}", raw=raw)
    elif kind == "list":
        if not isinstance(value, list):
            return [f"{where}: {type(value).__name__}, not a list"]
        out += _length(shape, len(value), where)
        for i, item in enumerate(value):
            out += problems(shape.member, item, f"{where}[{i}]", raw=raw)
    elif kind == "map":
        if not isinstance(value, dict):
            return [f"{where}: {type(value).__name__}, not a map"]
        for k, item in value.items():
            out += problems(shape.value, item, f"{where}[{k!r}]", raw=raw)
    elif kind == "string":
        if not raw and isinstance(value, dict) and path.endswith("PolicyDocument"):
            return []  # botocore decodes IAM's policy documents into dicts as it parses
        if not isinstance(value, str):
            return [f"{where}: {type(value).__name__} {value!r}, not a string"]
        if shape.enum and value not in shape.enum:
            out.append(f"{where}: {value!r} is not one of {shape.name}'s values")
        pattern = shape.metadata.get("pattern")
        compiled = _pattern(pattern) if pattern else None
        if compiled is not None and value and not compiled.fullmatch(value):
            out.append(f"{where}: {value[:80]!r} does not match {pattern[:80]!r}")
        out += _length(shape, len(value), where)
    elif kind in ("integer", "long"):
        if isinstance(value, bool) or not isinstance(value, int):
            return [f"{where}: {type(value).__name__} {value!r}, not an integer"]
        low, high = shape.metadata.get("min"), shape.metadata.get("max")
        if (low is not None and value < low) or (high is not None and value > high):
            out.append(f"{where}: {value} outside [{low}, {high}]")
    elif kind in ("float", "double"):
        if isinstance(value, bool) or not isinstance(value, int | float):
            out.append(f"{where}: {type(value).__name__} {value!r}, not a number")
    elif kind == "boolean":
        if not isinstance(value, bool):
            out.append(f"{where}: {type(value).__name__} {value!r}, not a boolean")
    elif kind == "timestamp":
        ok = (
            isinstance(value, int | float) and not isinstance(value, bool)
            if raw
            else isinstance(value, dt.datetime)
        )
        if raw and isinstance(value, str):
            ok = True  # an ISO 8601 string, which botocore also reads
        if not ok:
            out.append(f"{where}: {type(value).__name__} {value!r}, not a timestamp")
    elif kind == "blob":
        if not isinstance(value, str | bytes):
            out.append(f"{where}: {type(value).__name__}, not a blob")
    return out


def _length(shape: Any, n: int, where: str) -> list[str]:
    low, high = shape.metadata.get("min"), shape.metadata.get("max")
    if (low is not None and n < low) or (high is not None and n > high):
        return [f"{where}: length {n} outside [{low}, {high}]"]
    return []


class Capture:
    """The raw bodies of a botocore client's answers (``after-call`` sees them before parsing)."""

    def __init__(self, client: Any) -> None:
        self.client = client
        self.raw: Any = None
        self.parsed: Any = None
        client.meta.events.register("after-call", self._keep)

    def _keep(self, http_response: Any, parsed: Any, **_: Any) -> None:
        self.parsed = {k: v for k, v in parsed.items() if k != "ResponseMetadata"}
        try:
            self.raw = json.loads(http_response.content or b"{}")
        except ValueError:
            self.raw = None

    def check(self, operation: str, **params: Any) -> list[str]:
        """Call ``operation`` and return what is wrong with the answer."""
        getattr(self.client, operation)(**params)
        service = self.client.meta.service_model.service_name
        op = self.client.meta.method_to_api_mapping[operation]
        shape = output_shape(service, op)
        if model(service).protocol == "json":
            return [f"{op} {p}" for p in problems(shape, self.raw)]
        return [f"{op} {p}" for p in problems(shape, self.parsed, raw=False)]

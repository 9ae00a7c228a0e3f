"""smtui's own debug log (``--debug-log FILE``, off by default). Secrets are redacted on the way out."""

from __future__ import annotations

import logging
import re

_SECRET = re.compile(
    r"(?i)(aws_secret_access_key|aws_session_token|x-amz-security-token|authorization|secretaccesskey|"
    r"sessiontoken|secret_key|session_token|signature|credentials)"
    # the separator: "=", ": ", "': b'" (botocore logs header dicts with bytes values), or spaces
    r"(['\"]?\s*[:=]\s*b?['\"]?|\s+)"
    # the value: up to a quote, comma or brace; an Authorization header's value runs to the end of its quote
    r"((?<=b')[^']+|(?<=b\")[^\"]+|(?<=')AWS4-HMAC[^']+|(?<=\")AWS4-HMAC[^\"]+|AWS4-HMAC-SHA256[^'\"}]+|[^\s'\",}]+)"
)
_KEY_ID = re.compile(r"\b(AKIA|ASIA)[A-Z0-9]{12,}\b")


def redact(text: str) -> str:
    text = _SECRET.sub(lambda m: f"{m.group(1)}{m.group(2)}<redacted>", text)
    return _KEY_ID.sub(lambda m: m.group(1) + "…<redacted>", text)


class RedactingFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


def setup_debug_log(path: str) -> None:
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(RedactingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    # botocore at DEBUG logs signed headers and bodies; keep it to INFO even here.
    for noisy in ("botocore", "aiobotocore", "urllib3", "asyncio"):
        logging.getLogger(noisy).setLevel(logging.INFO)

"""Where and as whom to talk to AWS: cheap to import (the command line needs it before the first frame)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class AwsTarget:
    """Where and as whom to talk to AWS. Credentials are never shown in ``repr``."""

    profile: str | None = None
    region: str | None = None
    endpoint_url: str | None = None
    access_key: str | None = field(default=None, repr=False)
    secret_key: str | None = field(default=None, repr=False)
    session_token: str | None = field(default=None, repr=False)

    def describe(self) -> str:
        parts = [self.region or "no region"]
        if self.profile:
            parts.insert(0, self.profile)
        if self.endpoint_url:
            parts.append(self.endpoint_url)
        return " · ".join(parts)

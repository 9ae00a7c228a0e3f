"""Where and as whom to talk to AWS, and how that is decided from the command line, the environment, the
settings file and the AWS config files, with the one-sentence messages for what is certainly missing.

Cheap to import: the command line needs it before the first frame, so nothing here imports botocore
(``configparser`` is imported only when an AWS config file is read).
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

NO_CREDENTIALS = (
    "smtui: no AWS credentials found. Use --profile NAME (or set AWS_PROFILE), "
    "or try the built-in sandbox with --demo."
)
NO_REGION = "smtui: no AWS region set. Use --region NAME (or set AWS_REGION), or put region in your profile."

#: what AWS region names look like in every partition (us-east-1, us-gov-west-1, cn-north-1, eu-isoe-west-1)
_REGION = re.compile(r"^[a-z]{2,4}(-[a-z]+)+-[0-9]{1,2}$")


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


class TargetError(Exception):
    """Credentials or a region are certainly missing or wrong: a sentence to print as it is (exit status 2)."""


def aws_config_files(env: Mapping[str, str] | None = None) -> tuple[Path, Path]:
    """The shared credentials file and the config file, as botocore finds them."""
    env = os.environ if env is None else env
    home = Path.home()
    return (
        Path(env.get("AWS_SHARED_CREDENTIALS_FILE", home / ".aws" / "credentials")).expanduser(),
        Path(env.get("AWS_CONFIG_FILE", home / ".aws" / "config")).expanduser(),
    )


def credentials_may_exist(profile: str | None, env: Mapping[str, str] | None = None) -> bool:
    """A cheap check, without importing botocore, for whether any credential source could exist.

    False only when botocore would certainly find nothing: no key variables, no credential
    process or container/web-identity variables, no shared files, and instance metadata disabled.
    The real resolution happens after the first frame.
    """
    env = os.environ if env is None else env
    if env.get("AWS_ACCESS_KEY_ID") and env.get("AWS_SECRET_ACCESS_KEY"):
        return True
    if any(
        env.get(v)
        for v in (
            "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
            "AWS_CONTAINER_CREDENTIALS_FULL_URI",
            "AWS_WEB_IDENTITY_TOKEN_FILE",
        )
    ):
        return True
    if any(f.is_file() for f in aws_config_files(env)):
        return True
    return env.get("AWS_EC2_METADATA_DISABLED", "").lower() != "true" and not profile


def _read(path: Path):  # type: ignore[no-untyped-def]
    import configparser

    cfg = configparser.RawConfigParser()
    try:
        cfg.read(path)
    except configparser.Error:
        return None  # a file botocore will complain about itself, with a better message
    return cfg


def region_from_profile(profile: str | None, env: Mapping[str, str] | None = None) -> str | None:
    """The region configured for ``profile`` in ~/.aws/config, read without botocore."""
    env = os.environ if env is None else env
    cfg = _read(aws_config_files(env)[1])
    if cfg is None:
        return None
    name = profile or env.get("AWS_PROFILE") or "default"
    for section in (f"profile {name}", name):
        if cfg.has_section(section) and cfg.get(section, "region", fallback=None):
            return str(cfg.get(section, "region"))
    return None


def unknown_profile(profile: str, env: Mapping[str, str] | None = None) -> bool:
    """True when ``profile`` is in neither of the AWS config files (read without botocore)."""
    credentials, config = aws_config_files(env)
    for path, sections in ((credentials, (profile,)), (config, (f"profile {profile}", profile))):
        cfg = _read(path)
        if cfg is None or any(cfg.has_section(s) for s in sections):
            return False
    return True


def resolve_target(
    *,
    profile: str | None = None,
    region: str | None = None,
    endpoint_url: str | None = None,
    default_profile: str | None = None,
    default_region: str | None = None,
    env: Mapping[str, str] | None = None,
) -> AwsTarget:
    """Profile, region and endpoint from the command line (``profile``, ``region``, ``endpoint_url``), the
    environment, the settings file (``default_*``) and the AWS config files, in that order.

    Raises :class:`TargetError` with one sentence when credentials or a region are certainly missing, the
    region is not a region name, or a profile named on the command line exists nowhere.
    """
    env = os.environ if env is None else env
    chosen_profile = profile or env.get("AWS_PROFILE") or default_profile
    chosen_region = (
        region
        or env.get("AWS_REGION")
        or env.get("AWS_DEFAULT_REGION")
        or default_region
        or region_from_profile(chosen_profile, env)
    )
    endpoint = endpoint_url or env.get("AWS_ENDPOINT_URL")
    if not credentials_may_exist(chosen_profile, env):
        raise TargetError(NO_CREDENTIALS)
    if not chosen_region:
        raise TargetError(NO_REGION)
    if not _REGION.match(chosen_region):
        raise TargetError(
            f"smtui: {chosen_region!r} is not an AWS region name (like us-east-1 or eu-west-2)."
        )
    if profile and unknown_profile(profile, env):
        files = " or ".join(str(f) for f in aws_config_files(env))
        raise TargetError(
            f"smtui: no profile named {profile!r} in {files}. "
            "Check the name (aws configure list-profiles), or leave out --profile."
        )
    return AwsTarget(profile=chosen_profile, region=chosen_region, endpoint_url=endpoint)

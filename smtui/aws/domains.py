"""Is sourceIdentity on? Per SageMaker domain, ``DomainSettings.ExecutionRoleIdentityConfig``.

With ``USER_PROFILE_NAME``, SageMaker assumes the execution role with the user profile name as
SourceIdentity, so CloudTrail names the Studio user. With ``DISABLED`` (or unset, the default) every
user of the domain appears only as the shared execution role: audit by sourceIdentity cannot see them.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import TYPE_CHECKING

from smtui.aws.errors import AwsError
from smtui.text import clean

if TYPE_CHECKING:  # pragma: no cover
    from smtui.aws.session import AwsSession

USER_PROFILE_NAME = "USER_PROFILE_NAME"


@dataclass
class DomainIdentity:
    """One domain and whether it propagates the user profile name as sourceIdentity."""

    domain_id: str
    name: str
    status: str = ""
    config: str | None = None  # ExecutionRoleIdentityConfig, None when unset
    error: AwsError | None = None  # DescribeDomain failed

    @property
    def on(self) -> bool:
        return self.config == USER_PROFILE_NAME

    @property
    def known(self) -> bool:
        return self.error is None

    def note(self) -> str:
        """One line for the audit pane."""
        label = (
            f"{self.name} ({self.domain_id})" if self.name and self.name != self.domain_id else self.domain_id
        )
        if self.error is not None:
            return f"{label}: cannot tell whether sourceIdentity is on ({self.error.one_line()})"
        if self.on:
            return f"{label}: sourceIdentity on (ExecutionRoleIdentityConfig=USER_PROFILE_NAME)"
        return (
            f"{label}: sourceIdentity OFF (ExecutionRoleIdentityConfig={self.config or 'unset'}): "
            "audit by sourceIdentity cannot see this domain's users; they appear only as the execution role"
        )


async def domain_identities(aws: AwsSession, *, concurrency: int = 4) -> list[DomainIdentity]:
    """ListDomains, then DescribeDomain for each (a few at a time). A failing DescribeDomain gives a
    :class:`DomainIdentity` with ``error`` set; a failing ListDomains raises :class:`AwsError`."""
    domains: list[DomainIdentity] = []
    async for page in aws.pages("sagemaker", "list_domains", MaxResults=100):
        for d in page.get("Domains") or ():
            domains.append(
                DomainIdentity(
                    domain_id=clean(d.get("DomainId")),
                    name=clean(d.get("DomainName")),
                    status=clean(d.get("Status")),
                )
            )
    sem = asyncio.Semaphore(concurrency)

    async def describe(d: DomainIdentity) -> None:
        async with sem:
            try:
                resp = await aws.call("sagemaker", "describe_domain", DomainId=d.domain_id)
            except AwsError as err:
                d.error = err
                return
        settings = resp.get("DomainSettings") or {}
        value = settings.get("ExecutionRoleIdentityConfig") if isinstance(settings, dict) else None
        d.config = clean(value) if value else None

    await asyncio.gather(*(describe(d) for d in domains))
    return domains


def summary_line(domains: list[DomainIdentity], *, short: bool = False) -> str:
    """``sourceIdentity on in 1 of 2 domains · OFF in legacy-beta: their users appear only as the execution
    role``; ``short`` leaves out the explanation (the Audit pane's one-line header; ``d`` has the rest)."""
    if not domains:
        return "sourceIdentity: no SageMaker domains in this region"
    on = [d for d in domains if d.on]
    off = [d for d in domains if d.known and not d.on]
    unknown = [d for d in domains if not d.known]
    parts = [f"sourceIdentity on in {len(on)} of {len(domains)} domain{'s' if len(domains) != 1 else ''}"]
    if off:
        parts.append(
            "OFF in "
            + ", ".join(d.name or d.domain_id for d in off)
            + ("" if short else ": their users appear only as the execution role")
        )
    if unknown:
        parts.append("unknown for " + ", ".join(d.name or d.domain_id for d in unknown))
    return " · ".join(parts)

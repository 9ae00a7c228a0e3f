"""The default scenario: a realistic ML team's account, built through the API calls their tools make.

Two Studio users, ``alice`` and ``bob``, work through the one shared execution role
``SageMakerExecutionRole``: SageMaker assumes it for each of them with their user profile's name as
SourceIdentity, so their sessions carry it. A CI pipeline (GitHub Actions) assumes ``ci-pipeline-role``
with a web identity, without one. They own the training, processing and transform jobs and the endpoints
of :mod:`names`, with CloudWatch logs under the documented log groups and stream names, CloudWatch metrics
for the last hours, and CloudTrail records of every create at the time it happened.

:func:`seed_default` returns a :class:`ScenarioState` (also set as ``sb.scenario``). When the sandbox's
driver is on, the resources still in progress run on the lifecycles (:mod:`smtui.sandbox.lifecycle`) and
:mod:`smtui.sandbox.driver` keeps the team working; otherwise the account stands as seeded.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
from typing import Any

from smtui.sandbox import fidelity_sagemaker as fsm
from smtui.sandbox.account import ACCOUNT_ID, REGION
from smtui.sandbox.credentials import CI_TRUST, STUDIO_TRUST
from smtui.sandbox.scenario import (
    apps,
    clusters,
    compilation,
    endpoints,
    labeling,
    notebooks,
    pipelines,
    processing,
    recommendations,
    training,
    tuning,
)
from smtui.sandbox.scenario.names import (
    CI_ROLE_NAME,
    CI_SESSION_NAME,
    DOMAIN_ID,
    DOMAIN_NAME,
    LEGACY_DOMAIN_ID,
    LEGACY_DOMAIN_NAME,
    PREFIX_JOB,
    ROLE_ARN,
    ROLE_NAME,
    STUDIO_USERS,
)
from smtui.sandbox.scenario.seeder import ScenarioState, Seeder, naive

_STATES: dict[tuple[str, str], ScenarioState] = {}

STUDIO_POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Action": ["sagemaker:*", "logs:*", "cloudwatch:*", "s3:*"], "Resource": "*"},
        {"Effect": "Allow", "Action": "iam:PassRole", "Resource": ROLE_ARN},
    ],
}
CI_POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Action": [
                "sagemaker:Create*",
                "sagemaker:Describe*",
                "sagemaker:List*",
                "sagemaker:AddTags",
                "logs:*",
                "cloudwatch:PutMetricData",
            ],
            "Resource": "*",
        },
        {"Effect": "Allow", "Action": "iam:PassRole", "Resource": ROLE_ARN},
    ],
}


def seed_default(sb: Any) -> ScenarioState:
    """Build the team account. Idempotent per process: a second call returns the first state."""
    region = getattr(sb, "region", REGION)
    key = (ACCOUNT_ID, region)
    if key in _STATES and PREFIX_JOB in fsm.backend(ACCOUNT_ID, region).training_jobs:
        sb.scenario = _STATES[key]
        return _STATES[key]
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    s = Seeder(sb, now)
    _seed_roles(s)
    with s.at(s.now - dt.timedelta(days=10, minutes=-5)):
        for user in STUDIO_USERS:
            s.state.identities[user] = sb.studio_credentials(user)
        s.state.identities["ci"] = sb.ci_credentials(CI_SESSION_NAME)
    for who, creds in s.state.identities.items():
        s.clients[who] = sb.boto3_client("sagemaker", **creds)
    s.clients["admin"] = sb.boto3_client("sagemaker")

    _seed_domains(s)
    training.seed(s)
    processing.seed(s)
    endpoints.seed(s)
    notebooks.seed(s)
    clusters.seed(s)
    apps.seed(s)
    pipelines.seed(s)
    labeling.seed(s)
    recommendations.seed(s)
    tuning.seed(s)
    compilation.seed(s)
    s.flush_metrics()
    _STATES[key] = s.state
    sb.scenario = s.state
    return s.state


def _seed_roles(s: Seeder) -> None:
    """The two roles and what they may do (so the scenario also works with IAM enforcement on), created
    by the account's admin ten days ago."""
    iam = s.sb.boto3_client("iam")
    with s.at(s.now - dt.timedelta(days=10)):
        for name, trust, desc, policy_name, policy in (
            (
                ROLE_NAME,
                STUDIO_TRUST,
                "Shared execution role of the ml-team Studio domain",
                "studio-user-access",
                STUDIO_POLICY,
            ),
            (
                CI_ROLE_NAME,
                CI_TRUST,
                "Assumed by GitHub Actions for nightly retraining",
                "nightly-retraining",
                CI_POLICY,
            ),
        ):
            with contextlib.suppress(iam.exceptions.EntityAlreadyExistsException):
                iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust), Description=desc)
            iam.put_role_policy(RoleName=name, PolicyName=policy_name, PolicyDocument=json.dumps(policy))


def _seed_domains(s: Seeder) -> None:
    sm = s.sm("admin")
    for dom_id, name, mode, users in (
        (DOMAIN_ID, DOMAIN_NAME, "USER_PROFILE_NAME", STUDIO_USERS),
        (LEGACY_DOMAIN_ID, LEGACY_DOMAIN_NAME, "DISABLED", ("analyst",)),
    ):
        with s.at(s.now - dt.timedelta(days=9, hours=len(users))):
            sm.create_domain(
                DomainName=name,
                AuthMode="IAM",
                DefaultUserSettings={"ExecutionRole": ROLE_ARN},
                SubnetIds=["subnet-0a1b2c3d", "subnet-0e5f6a7b"],
                VpcId="vpc-0123abcd",
                DomainSettings={"ExecutionRoleIdentityConfig": mode},
                Tags=[{"Key": "team", "Value": name}],
            )
        fsm.rekey_domain(f"d-{name}", dom_id, region=s.sb.region)
        created = naive(s.now - dt.timedelta(days=9, hours=len(users)))
        dom = fsm.backend(region=s.sb.region).domains[dom_id]
        dom.creation_time = dom.last_modified_time = created
        for user in users:
            with s.at(s.now - dt.timedelta(days=9)):
                sm.create_user_profile(
                    DomainId=dom_id, UserProfileName=user, UserSettings={"ExecutionRole": ROLE_ARN}
                )

"""Who can act in the sandbox account, as :class:`~smtui.sandbox.server.Sandbox` offers it: IAM
enforcement, IAM users with a policy, Studio users' sessions (SageMaker assuming the shared execution role
with SourceIdentity), a CI pipeline's web-identity session, and expired credentials on demand."""

from __future__ import annotations

import base64
import json
from typing import TYPE_CHECKING, Any

from smtui.sandbox.account import (
    ACCOUNT_ID,
    ADMIN_KEY,
    ADMIN_SECRET,
    ADMIN_USER,
    EXECUTION_ROLE,
    SAGEMAKER_SERVICE,
    SAGEMAKER_SERVICE_KEY,
    role_arn,
)
from smtui.sandbox.identity import Identity

if TYPE_CHECKING:
    from smtui.sandbox.middleware import SandboxMiddleware
    from smtui.sandbox.recorder import Recorder

#: what a Studio domain's execution role trusts: SageMaker assumes it for each user, with the user profile's
#: name as SourceIdentity (which needs sts:SetSourceIdentity)
STUDIO_TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"Service": SAGEMAKER_SERVICE},
            "Action": ["sts:AssumeRole", "sts:SetSourceIdentity"],
        }
    ],
}
GITHUB_OIDC = f"arn:aws:iam::{ACCOUNT_ID}:oidc-provider/token.actions.githubusercontent.com"
#: what the CI pipeline's role trusts: GitHub Actions' OIDC tokens
CI_TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"Federated": GITHUB_OIDC},
            "Action": "sts:AssumeRoleWithWebIdentity",
        }
    ],
}
CI_ROLE = "ci-pipeline-role"
CI_SUBJECT = "repo:ml-team/churn-pipeline:ref:refs/heads/main"
_ALL = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
_SERVICE_USER = "sagemaker-service"


def _creds(c: dict[str, Any]) -> dict[str, str]:
    return {
        "aws_access_key_id": c["AccessKeyId"],
        "aws_secret_access_key": c["SecretAccessKey"],
        "aws_session_token": c["SessionToken"],
    }


def github_token(subject: str = CI_SUBJECT) -> str:
    """An (unsigned) GitHub Actions OIDC token for ``subject``: the sandbox does not check signatures."""

    def part(data: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")

    claims = {
        "iss": "https://token.actions.githubusercontent.com",
        "sub": subject,
        "aud": "sts.amazonaws.com",
    }
    return f"{part({'alg': 'RS256', 'typ': 'JWT'})}.{part(claims)}.sandbox"


class Credentials:
    """Mixed into :class:`~smtui.sandbox.server.Sandbox`."""

    region: str
    recorder: Recorder
    iam: bool
    _middleware: SandboxMiddleware | None
    _iam_previous: float | None
    _expired: set[str]

    def boto3_client(self, service: str, *, quiet: bool = False, **creds: Any) -> Any:  # pragma: no cover
        raise NotImplementedError

    # ------------------------------------------------------------------ fault injection
    def expire_credentials(self, access_key: str | None = None) -> None:
        """From now on, answer every call signed with ``access_key`` (every key when ``None``) as AWS answers
        an expired session: HTTP 400 ``ExpiredTokenException`` "The security token included in the request is
        expired" (``ExpiredToken`` from STS, IAM and CloudWatch), until :meth:`restore_credentials`."""
        self._expired.add(access_key or "*")
        if self._middleware is not None:
            self._middleware.expired = set(self._expired)

    def restore_credentials(self, access_key: str | None = None) -> None:
        """Undo :meth:`expire_credentials` for ``access_key`` (every key when ``None``)."""
        if access_key is None:
            self._expired.clear()
        else:
            self._expired.discard(access_key)
        if self._middleware is not None:
            self._middleware.expired = set(self._expired)

    # ------------------------------------------------------------------ IAM enforcement
    def enable_iam_auth(self) -> None:
        """Make moto authorise every request against IAM policies (process-wide, until
        :meth:`disable_iam_auth` or :meth:`stop`; :meth:`start` turns it on again). The admin key stays
        allowed everything, as the IAM user ``sandbox-admin``. Call it after seeding."""
        from moto import settings

        self.iam = True
        self._ensure_user(ADMIN_USER, ADMIN_KEY, ADMIN_SECRET)
        self._ensure_user(_SERVICE_USER, SAGEMAKER_SERVICE_KEY, ADMIN_SECRET)
        if self._iam_previous is None:
            self._iam_previous = settings.INITIAL_NO_AUTH_ACTION_COUNT
        settings.INITIAL_NO_AUTH_ACTION_COUNT = 0
        if self._middleware is not None:
            self._middleware.iam = True

    def disable_iam_auth(self) -> None:
        """Stop enforcing IAM: moto's setting goes back to what it was before :meth:`enable_iam_auth`."""
        self.iam = False
        self._restore_iam_auth()

    def _restore_iam_auth(self) -> None:
        from moto import settings

        if self._iam_previous is not None:
            settings.INITIAL_NO_AUTH_ACTION_COUNT = self._iam_previous
            self._iam_previous = None
        if self._middleware is not None:
            self._middleware.iam = False

    def _ensure_user(self, name: str, key_id: str, secret: str) -> None:
        """An IAM user owning ``key_id``, allowed everything (moto's key ids are random, so the key is put
        into moto's IAM backend directly). The SageMaker service's key needs one only for moto's own
        authorisation; CloudTrail still records it as the service."""
        from moto.iam.models import AccessKey, iam_backends

        backend = iam_backends[ACCOUNT_ID]["aws"]
        user = backend.users.get(name)
        if user is None:
            iam = self.boto3_client("iam", quiet=True)
            iam.create_user(UserName=name)
            iam.put_user_policy(UserName=name, PolicyName=f"{name}-all", PolicyDocument=json.dumps(_ALL))
            user = backend.users[name]
        if not any(k.access_key_id == key_id for k in user.access_keys):
            key = AccessKey(name, prefix="AKIA", account_id=ACCOUNT_ID)  # type: ignore[abstract]
            key.access_key_id = key_id
            key.secret_access_key = secret
            user.access_keys.append(key)

    def create_user_with_policy(self, name: str, policy_document: dict[str, Any] | str) -> dict[str, str]:
        """An IAM user with one inline policy; returns its credentials as ``boto3_client``/``target`` take
        them (``aws_access_key_id``, ``aws_secret_access_key``). Its calls are recorded as that user."""
        iam = self.boto3_client("iam")
        document = policy_document if isinstance(policy_document, str) else json.dumps(policy_document)
        iam.create_user(UserName=name)
        iam.put_user_policy(UserName=name, PolicyName=f"{name}-policy", PolicyDocument=document)
        key = iam.create_access_key(UserName=name)["AccessKey"]
        self.recorder.register(key["AccessKeyId"], Identity.user(name, ACCOUNT_ID))
        return {"aws_access_key_id": key["AccessKeyId"], "aws_secret_access_key": key["SecretAccessKey"]}

    # ------------------------------------------------------------------ roles and sessions
    def ensure_role(self, name: str, trust: dict[str, Any], description: str = "") -> str:
        """The role ``name`` (created with ``trust`` as its trust policy unless it exists); its ARN."""
        iam = self.boto3_client("iam")
        try:
            iam.get_role(RoleName=name)
        except iam.exceptions.NoSuchEntityException:
            iam.create_role(
                RoleName=name, AssumeRolePolicyDocument=json.dumps(trust), Description=description
            )
        return role_arn(name)

    def studio_credentials(self, source_identity: str, role: str = EXECUTION_ROLE) -> dict[str, str]:
        """Credentials of a Studio user: SageMaker (the service principal) assumes the shared execution role
        with SourceIdentity, as it does when a domain's ExecutionRoleIdentityConfig is USER_PROFILE_NAME.
        The role is made (trusting SageMaker) when the account has none."""
        arn = self.ensure_role(role, STUDIO_TRUST, "Shared execution role of the Studio domain")
        sts = self.boto3_client(
            "sts", aws_access_key_id=SAGEMAKER_SERVICE_KEY, aws_secret_access_key=ADMIN_SECRET
        )
        answer = sts.assume_role(RoleArn=arn, RoleSessionName=source_identity, SourceIdentity=source_identity)
        return _creds(answer["Credentials"])

    def ci_credentials(self, session: str, role: str = CI_ROLE) -> dict[str, str]:
        """Credentials of the CI pipeline: GitHub Actions' AssumeRoleWithWebIdentity on its role (made,
        trusting GitHub's OIDC provider, when the account has none)."""
        arn = self.ensure_role(role, CI_TRUST, "Assumed by GitHub Actions for nightly retraining")
        sts = self.boto3_client("sts")
        answer = sts.assume_role_with_web_identity(
            RoleArn=arn, RoleSessionName=session, WebIdentityToken=github_token()
        )
        return _creds(answer["Credentials"])

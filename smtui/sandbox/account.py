"""The sandbox account's constants: one place for the account id, the default region and the admin's
credentials (moto accepts any; these are the seed's and the demo's), shared by the server, the seed and
the fidelity layer."""

from __future__ import annotations

ACCOUNT_ID = "123456789012"
REGION = "us-east-1"
#: The sandbox's admin credentials, the IAM user ``sandbox-admin`` (only these fake ones are ever printed).
ADMIN_KEY = "AKIAIOSFODNN7SANDBOX"
ADMIN_SECRET = "sandbox-secret-not-a-real-key"
ADMIN_USER = "sandbox-admin"
#: The key the sandbox signs with when it acts as the SageMaker service itself (AssumeRole of a Studio
#: user's execution role): its calls are the service principal ``sagemaker.amazonaws.com``.
SAGEMAKER_SERVICE_KEY = "ASIASAGEMAKERSERVICE"
SAGEMAKER_SERVICE = "sagemaker.amazonaws.com"
#: The shared execution role of the default scenario's Studio domain (also what ``studio_credentials`` uses).
EXECUTION_ROLE = "SageMakerExecutionRole"


def role_arn(name: str, account_id: str = ACCOUNT_ID) -> str:
    return f"arn:aws:iam::{account_id}:role/{name}"

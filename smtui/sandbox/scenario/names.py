"""The default scenario's names: the account's roles, users, domains, jobs and endpoints, the images they
run, their failure reasons and the hostile lines of the hostile job. Tests and other modules use these
rather than literals."""

from __future__ import annotations

import datetime as dt

from smtui.sandbox.account import ACCOUNT_ID, EXECUTION_ROLE, REGION  # noqa: F401 - the scenario's account

ROLE_NAME = EXECUTION_ROLE
ROLE = ROLE_ARN = f"arn:aws:iam::{ACCOUNT_ID}:role/{ROLE_NAME}"
CI_ROLE_NAME = "ci-pipeline-role"
CI_ROLE_ARN = f"arn:aws:iam::{ACCOUNT_ID}:role/{CI_ROLE_NAME}"
CI_SESSION_NAME = "github-actions-1234"
STUDIO_USERS = ("alice", "bob")

DOMAIN_ID = "d-mlteam0alpha"
DOMAIN_NAME = "ml-team"
LEGACY_DOMAIN_ID = "d-legacy0beta"
LEGACY_DOMAIN_NAME = "legacy-analytics"

# training jobs
MULTI_NODE_JOB = "llama3-ft-multinode"  # InProgress, 4 x ml.p4d.24xlarge
MULTI_NODE_COUNT = 4
COMPLETED_JOB = "bert-sentiment-v3"  # Completed; holds the 256 KB line
FAILED_JOB = "resnet50-imagenet"  # Failed: CUDA out of memory
SPOT_JOB = "xgb-churn-spot"  # Completed, managed spot
STOPPED_JOB = "xgb-churn-tuning-003"  # Stopped
PREFIX_JOB = "train"  # the prefix-collision pair: "train/" must never pick up "train-2/"
PREFIX_JOB_2 = "train-2"
HOSTILE_JOB = "hostile-escapes-job"  # escape sequences in logs, hyperparameters and tags
NIGHTLY_PREFIX = "nightly-retrain-"
NIGHTLY_DAYS = 7
# processing jobs
PROCESSING_JOB = "preprocess-churn-data"  # Completed, 2 instances
PROCESSING_IN_PROGRESS = "eval-llama3"
PROCESSING_FAILED = "data-quality-check"
# transform jobs
TRANSFORM_JOB = "batch-score-churn"  # Completed, 2 instances, with data-log streams
TRANSFORM_IN_PROGRESS = "batch-embed-docs"
TRANSFORM_FAILED = "batch-score-fraud"  # Failed: the container answered 415
TRANSFORM_INSTANCES = ("i-0a1b2c3d4e5f60001", "i-0a1b2c3d4e5f60002")
# endpoints
ENDPOINT = "churn-prod"  # InService, variants variant-a (2 instances) and variant-b (1)
ENDPOINT_VARIANTS = {
    "variant-a": ("i-0aa3f5c6d7e8f9012", "i-0ab4e5f6a7b8c9013"),
    "variant-b": ("i-0ba5d6e7f8a9b0014",),
}
ASYNC_ENDPOINT = "summarizer-async"
ASYNC_VARIANT = "AllTraffic"
ASYNC_INSTANCE = "i-0c7d8e9f0a1b2c015"
FAILED_ENDPOINT = "fraud-detector-v2"
CREATING_ENDPOINT = "recsys-staging"  # Creating; the driver brings it InService

LONG_LINE_BYTES = 262_144
FAILED_JOB_COMMAND = "/opt/conda/bin/python3.10 train.py --batch-size 512 --epochs 90"
FAILURE_REASON_OOM = (
    'AlgorithmError: ExecuteUserScriptError:\nExitCode 1\nErrorMessage "torch.OutOfMemoryError: '
    "CUDA out of memory. Tried to allocate 2.00 GiB (GPU 0; 15.77 GiB total capacity; "
    '13.91 GiB already allocated; 1.12 GiB free)"\nCommand "/opt/conda/bin/python3.10 '
    'train.py --batch-size 512 --epochs 90", exit code: 1'
)
FAILURE_REASON_ENDPOINT = (
    "The primary container for production variant AllTraffic did not pass the ping "
    "health check. Please check CloudWatch logs for this endpoint."
)
FAILURE_REASON_PROCESSING = (
    "AlgorithmError: See job logs for more information: data quality constraint "
    "violations in 3 features (missing values above threshold)"
)

TRAINING_GROUP = "/aws/sagemaker/TrainingJobs"
PROCESSING_GROUP = "/aws/sagemaker/ProcessingJobs"
TRANSFORM_GROUP = "/aws/sagemaker/TransformJobs"


def endpoint_group(name: str) -> str:
    return f"/aws/sagemaker/Endpoints/{name}"


IMAGES = {
    "xgb": "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1",
    "pytorch": "763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-training:2.3.0-gpu-py311-cu121-ubuntu20.04-sagemaker",
    "hf": "763104351884.dkr.ecr.us-east-1.amazonaws.com/huggingface-pytorch-training:2.1.0-transformers4.36.0-gpu-py310-cu121-ubuntu20.04",
    "sklearn": "683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3",
    "inference": "763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-inference:2.3.0-gpu-py311-cu121-ubuntu20.04-sagemaker",
    "tgi": "763104351884.dkr.ecr.us-east-1.amazonaws.com/huggingface-pytorch-tgi-inference:2.3.0-tgi2.2.0-gpu-py310-cu121-ubuntu22.04",
}
#: The old name of the xgboost image, kept for existing imports.
IMAGE = IMAGES["xgb"]

# ANSI/terminal sequences that must never reach the user's terminal unescaped
OSC_TITLE = "\x1b]0;pwned by hostile-escapes-job\x07"
OSC_CLIPBOARD = "\x1b]52;c;cm0gLXJmIH4vKg==\x07"
OSC_HYPERLINK = "\x1b]8;;http://evil.example/phish\x1b\\click here for logs\x1b]8;;\x1b\\"
CSI_CLEAR = "\x1b[2J\x1b[H"
CSI_MOVES = "\x1b[10A\x1b[5C\x1b[K"
C1_CSI = "\x9b2J"
HOSTILE_LINES = (
    f"step 1 {OSC_TITLE}window title changed",
    f"copying credentials {OSC_CLIPBOARD}to clipboard",
    f"see {OSC_HYPERLINK} for details",
    f"{CSI_CLEAR}screen cleared by the training script",
    f"progress{CSI_MOVES} overwrote earlier lines",
    f"C1 control {C1_CSI} via 0x9b",
    "DEL character here:\x7f<-",
    "lone escape at end \x1b",
    "bell\x07 and backspace\x08\x08 and null-ish \x01\x02 controls",
    "\x1b[31mred\x1b[0m \x1b[1;32mbold green\x1b[0m plain ANSI colours (SGR) are fine to strip",
)


def nightly_names(now: dt.datetime | None = None) -> list[str]:
    """The nightly job names the seed creates (dates relative to the seed time)."""
    now = now or dt.datetime.now(dt.UTC)
    return [f"{NIGHTLY_PREFIX}{(now - dt.timedelta(days=d)):%Y-%m-%d}" for d in range(NIGHTLY_DAYS, 0, -1)]


TRAINING_JOBS = (
    MULTI_NODE_JOB,
    COMPLETED_JOB,
    FAILED_JOB,
    SPOT_JOB,
    STOPPED_JOB,
    PREFIX_JOB,
    PREFIX_JOB_2,
    HOSTILE_JOB,
)
PROCESSING_JOBS = (PROCESSING_JOB, PROCESSING_IN_PROGRESS, PROCESSING_FAILED)
TRANSFORM_JOBS = (TRANSFORM_JOB, TRANSFORM_IN_PROGRESS, TRANSFORM_FAILED)
ENDPOINTS = (ENDPOINT, ASYNC_ENDPOINT, FAILED_ENDPOINT, CREATING_ENDPOINT)

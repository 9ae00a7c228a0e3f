"""The default scenario: a realistic ML team's account, built through the API calls their tools make.

Two Studio users, ``alice`` and ``bob``, work through the one shared execution role
``SageMakerExecutionRole`` (their sessions carry ``sourceIdentity``); a CI pipeline assumes
``ci-pipeline-role`` without one. They own the training, processing and transform jobs and the endpoints
named by the constants below, with CloudWatch logs under the documented log groups and stream names,
CloudWatch metrics for the last hours, and CloudTrail records of every create at the time it happened.

Tests and other modules should use the constants rather than literals. :func:`seed_default` returns a
:class:`ScenarioState` (also set as ``sb.scenario``) that :mod:`smtui.sandbox.driver` keeps alive.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import random
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from smtui.sandbox import fidelity_sagemaker as fsm

ACCOUNT_ID = "123456789012"
REGION = "us-east-1"

ROLE_NAME = "SageMakerExecutionRole"
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


# --------------------------------------------------------------------------- state for the driver


@dataclass
class Run:
    """An in-progress job the driver advances."""

    kind: str  # training | processing | transform
    name: str
    group: str
    streams: list[str]  # one writable stream per host
    hosts: list[str]  # CloudWatch Host dimension values
    namespace: str
    style: str  # llm | eval | embed | xgb
    step: int = 0
    total_steps: int = 100
    phase: str = "Training"
    phase_ticks: int = 0
    gpu: bool = True
    data_logs: list[str] = field(default_factory=list)


@dataclass
class LiveEndpoint:
    name: str
    variants: dict[str, tuple[str, ...]]  # variant -> instance ids
    streams: dict[str, str]  # instance id -> stream
    data_log_streams: dict[str, str] = field(default_factory=dict)
    ticks_to_in_service: int = 0  # > 0 while Creating


@dataclass
class ScenarioState:
    seeded_at: dt.datetime
    identities: dict[str, dict[str, str]]
    runs: dict[tuple[str, str], Run] = field(default_factory=dict)
    endpoints: dict[str, LiveEndpoint] = field(default_factory=dict)
    streams: dict[tuple[str, str], list[str]] = field(default_factory=dict)  # (kind, name) -> streams


_STATES: dict[tuple[str, str], ScenarioState] = {}


# --------------------------------------------------------------------------- helpers


def _ms(t: dt.datetime) -> int:
    return int(t.timestamp() * 1000)


def _stamp(t: dt.datetime) -> str:
    return t.strftime("%Y-%m-%d %H:%M:%S,") + f"{t.microsecond // 1000:03d}"


def _spread(start: dt.datetime, end: dt.datetime, n: int) -> list[dt.datetime]:
    if n <= 1:
        return [start]
    step = (end - start) / (n - 1)
    return [start + step * i for i in range(n)]


class _Seeder:
    def __init__(self, sb: Any, now: dt.datetime) -> None:
        self.sb = sb
        self.now = now
        self.rng = random.Random(20261127)
        self.logs = bulk_client(sb, "logs")
        self.cw = bulk_client(sb, "cloudwatch")
        self.groups: set[str] = set()
        self.metrics: dict[str, list[dict[str, Any]]] = {}
        self.clients: dict[str, Any] = {}
        self.state: ScenarioState | None = None

    # --- identities and recorder

    @contextlib.contextmanager
    def at(self, when: dt.datetime) -> Iterator[None]:
        recorder = getattr(self.sb, "recorder", None)
        at = getattr(recorder, "at", None)
        if at is None:
            yield
            return
        with at(when):
            yield

    def sm(self, who: str) -> Any:
        return self.clients[who]

    # --- logs

    def stream(self, group: str, stream: str, events: Iterable[tuple[dt.datetime, str]]) -> None:
        if group not in self.groups:
            with contextlib.suppress(self.logs.exceptions.ResourceAlreadyExistsException):
                self.logs.create_log_group(logGroupName=group)
            self.groups.add(group)
        self.logs.create_log_stream(logGroupName=group, logStreamName=stream)
        put_events(self.logs, group, stream, events)

    # --- metrics

    def series(
        self,
        namespace: str,
        metric: str,
        dims: dict[str, str],
        start: dt.datetime,
        end: dt.datetime,
        base: float,
        jitter: float,
        unit: str,
        lo: float = 0.0,
        hi: float | None = None,
    ) -> None:
        # 1-minute data lives 15 days in CloudWatch: jobs get their whole run, endpoints the last 3 hours
        start = max(start, self.now - dt.timedelta(days=14))
        t = start.replace(second=0, microsecond=0)
        dimensions = [{"Name": k, "Value": v} for k, v in dims.items()]
        out = self.metrics.setdefault(namespace, [])
        while t <= end:
            v = base + self.rng.uniform(-jitter, jitter)
            v = max(lo, v if hi is None else min(hi, v))
            out.append(
                {
                    "MetricName": metric,
                    "Dimensions": dimensions,
                    "Timestamp": t,
                    "Value": round(v, 3),
                    "Unit": unit,
                }
            )
            t += dt.timedelta(minutes=1)

    def job_metrics(
        self,
        namespace: str,
        hosts: list[str],
        start: dt.datetime,
        end: dt.datetime,
        gpus: int,
        transform: bool = False,
    ) -> None:
        for i, host in enumerate(hosts):
            dims = {"Host": host}
            self.series(namespace, "CPUUtilization", dims, start, end, 380 + 40 * i, 60, "Percent", hi=9600)
            self.series(namespace, "MemoryUtilization", dims, start, end, 62 + i, 6, "Percent", hi=100)
            if not transform:
                self.series(namespace, "DiskUtilization", dims, start, end, 31 + i, 1, "Percent", hi=100)
            if gpus:
                self.series(
                    namespace,
                    "GPUUtilization",
                    dims,
                    start,
                    end,
                    88 * gpus,
                    9 * gpus,
                    "Percent",
                    hi=100 * gpus,
                )
                self.series(
                    namespace,
                    "GPUMemoryUtilization",
                    dims,
                    start,
                    end,
                    71 * gpus,
                    4 * gpus,
                    "Percent",
                    hi=100 * gpus,
                )

    def endpoint_metrics(
        self, endpoint: str, variants: dict[str, int], start: dt.datetime, rate: float, latency_us: float
    ) -> None:
        for variant, instances in variants.items():
            dims = {"EndpointName": endpoint, "VariantName": variant}
            share = rate * instances
            self.series("AWS/SageMaker", "Invocations", dims, start, self.now, share, share * 0.3, "None")
            self.series(
                "AWS/SageMaker",
                "ModelLatency",
                dims,
                start,
                self.now,
                latency_us,
                latency_us * 0.25,
                "Microseconds",
            )
            self.series("AWS/SageMaker", "OverheadLatency", dims, start, self.now, 2100, 600, "Microseconds")
            self.series("AWS/SageMaker", "Invocation4XXErrors", dims, start, self.now, 0.4, 0.6, "None")
            self.series("AWS/SageMaker", "Invocation5XXErrors", dims, start, self.now, 0.1, 0.3, "None")
            self.series(
                "/aws/sagemaker/Endpoints",
                "CPUUtilization",
                dims,
                start,
                self.now,
                35 * instances,
                10,
                "Percent",
            )
            self.series(
                "/aws/sagemaker/Endpoints",
                "MemoryUtilization",
                dims,
                start,
                self.now,
                48,
                4,
                "Percent",
                hi=100,
            )
            self.series(
                "/aws/sagemaker/Endpoints",
                "DiskUtilization",
                dims,
                start,
                self.now,
                22,
                0.5,
                "Percent",
                hi=100,
            )

    def flush_metrics(self) -> None:
        for namespace, data in self.metrics.items():
            for i in range(0, len(data), 1000):
                self.cw.put_metric_data(Namespace=namespace, MetricData=data[i : i + 1000])
        self.metrics.clear()


def bulk_client(sb: Any, service: str) -> Any:
    """A boto3 client for the seed's bulk writes (logs, metrics): as ``sb.boto3_client`` but without
    botocore's client-side parameter validation, which costs more than the call itself on 1,000-datum
    PutMetricData batches. Same API, same wire format, same server."""
    import boto3
    from botocore.config import Config

    from smtui.sandbox.server import ADMIN_KEY, ADMIN_SECRET

    return boto3.client(
        service,
        region_name=getattr(sb, "region", REGION),
        endpoint_url=sb.url,
        aws_access_key_id=ADMIN_KEY,
        aws_secret_access_key=ADMIN_SECRET,
        config=Config(
            parameter_validation=False,
            disable_request_compression=True,
            retries={"mode": "standard", "total_max_attempts": 2},
        ),
    )


def put_events(logs: Any, group: str, stream: str, events: Iterable[tuple[dt.datetime, str]]) -> None:
    """PutLogEvents in chronological batches under the 10,000-event / 1 MB limits."""
    batch: list[dict[str, Any]] = []
    size = 0
    ordered = sorted(((_ms(t), m) for t, m in events), key=lambda e: e[0])
    for ts, msg in ordered:
        n = len(msg.encode("utf-8")) + 26
        if batch and (len(batch) >= 10_000 or size + n > 1_000_000):
            logs.put_log_events(logGroupName=group, logStreamName=stream, logEvents=batch)
            batch, size = [], 0
        batch.append({"timestamp": ts, "message": msg})
        size += n
    if batch:
        logs.put_log_events(logGroupName=group, logStreamName=stream, logEvents=batch)


# --------------------------------------------------------------------------- log content


def training_banner(
    t: dt.datetime, host: str, hosts: int, framework: str, entry: str
) -> list[tuple[dt.datetime, str]]:
    lines = [
        "bash: cannot set terminal process group (-1): Inappropriate ioctl for device",
        "bash: no job control in this shell",
        f"{_stamp(t)} sagemaker-training-toolkit INFO     Imported framework {framework}",
        f"{_stamp(t)} sagemaker-training-toolkit INFO     No Neurons detected (normal if no neurons installed)",
        f"{_stamp(t)} sagemaker-training-toolkit INFO     Invoking user script",
        "Training Env:",
        json.dumps(
            {
                "current_host": host,
                "hosts": [f"algo-{i + 1}" for i in range(hosts)],
                "channel_input_dirs": {"train": "/opt/ml/input/data/train"},
                "module_dir": "s3://ml-team-artifacts/code/sourcedir.tar.gz",
                "user_entry_point": entry,
            },
            indent=4,
        ),
        "Invoking script with the following command:",
        f"/opt/conda/bin/python3.10 {entry}",
    ]
    return [(t + dt.timedelta(milliseconds=40 * i), line) for i, line in enumerate(lines)]


def tqdm_line(total: int, width: int = 10, steps: int = 10) -> str:
    parts = []
    for k in range(steps + 1):
        done = total * k // steps
        bar = "#" * (width * k // steps)
        parts.append(f"{100 * k // steps:3d}%|{bar:<{width}}| {done}/{total}")
    return "\r".join(parts)


def llm_step_line(step: int, total: int, rng: random.Random) -> str:
    loss = max(0.35, 2.4 * (0.9985**step) + rng.uniform(-0.05, 0.05))
    return (
        f"{{'loss': {loss:.4f}, 'grad_norm': {rng.uniform(0.3, 1.4):.3f}, "
        f"'learning_rate': {2e-5 * (1 - step / max(total, 1)):.3e}, 'epoch': {3 * step / max(total, 1):.2f}}}"
    )


def llm_worker_line(host: str, step: int, rng: random.Random) -> str:
    return (
        f"[{host}] step {step} throughput {rng.uniform(140, 165):.1f} samples/s "
        f"mem {rng.uniform(58, 66):.1f}GB nccl_allreduce {rng.uniform(8, 14):.1f}ms"
    )


def xgb_round_line(i: int, rng: random.Random) -> str:
    return (
        f"[{i}]#011train-auc:{min(0.999, 0.80 + 0.002 * i + rng.uniform(0, 0.004)):.5f}"
        f"#011validation-auc:{min(0.99, 0.78 + 0.0018 * i + rng.uniform(0, 0.004)):.5f}"
    )


def access_line(t: dt.datetime, path: str, status: int, rng: random.Random) -> str:
    verb = "GET" if path == "/ping" else "POST"
    size = 0 if path == "/ping" else rng.randint(80, 400)
    return (
        f"10.32.{rng.randint(0, 3)}.{rng.randint(2, 250)} - - [{t.strftime('%d/%b/%Y:%H:%M:%S +0000')}] "
        f'"{verb} {path} HTTP/1.1" {status} {size} "-" "AHC/2.0"'
    )


PYTHON_TRACEBACK = """Traceback (most recent call last):
  File "/opt/ml/code/train.py", line 214, in <module>
    main()
  File "/opt/ml/code/train.py", line 188, in main
    loss = train_one_epoch(model, loader, optimizer, scaler, epoch)
  File "/opt/ml/code/train.py", line 97, in train_one_epoch
    output = model(images)
  File "/opt/conda/lib/python3.10/site-packages/torch/nn/modules/module.py", line 1532, in _wrapped_call_impl
    return self._call_impl(*args, **kwargs)
  File "/opt/conda/lib/python3.10/site-packages/torchvision/models/resnet.py", line 285, in forward
    return self._forward_impl(x)
  File "/opt/conda/lib/python3.10/site-packages/torch/nn/functional.py", line 2478, in batch_norm
    return torch.batch_norm(
torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB (GPU 0; 15.77 GiB total capacity; 13.91 GiB already allocated; 1.12 GiB free; 14.02 GiB reserved in total by PyTorch)"""


# --------------------------------------------------------------------------- the seed


def seed_default(sb: Any) -> ScenarioState:
    """Build the team account. Idempotent per process: a second call returns the first state."""
    region = getattr(sb, "region", REGION)
    key = (ACCOUNT_ID, region)
    if key in _STATES and PREFIX_JOB in fsm.backend(ACCOUNT_ID, region).training_jobs:
        sb.scenario = _STATES[key]
        return _STATES[key]
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    s = _Seeder(sb, now)
    iam = sb.boto3_client("iam")
    trust = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"Service": "sagemaker.amazonaws.com"},
                    "Action": "sts:AssumeRole",
                }
            ],
        }
    )
    ci_trust = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {
                        "Federated": f"arn:aws:iam::{ACCOUNT_ID}:oidc-provider/"
                        "token.actions.githubusercontent.com"
                    },
                    "Action": "sts:AssumeRoleWithWebIdentity",
                }
            ],
        }
    )
    begin = now - dt.timedelta(days=10)
    with s.at(begin):
        for name, doc, desc in (
            (ROLE_NAME, trust, "Shared execution role of the ml-team Studio domain"),
            (CI_ROLE_NAME, ci_trust, "Assumed by GitHub Actions for nightly retraining"),
        ):
            with contextlib.suppress(iam.exceptions.EntityAlreadyExistsException):
                iam.create_role(RoleName=name, AssumeRolePolicyDocument=doc, Description=desc)
        # what the roles may do, so the scenario also works with IAM enforcement on (Sandbox(iam=True))
        iam.put_role_policy(
            RoleName=ROLE_NAME,
            PolicyName="studio-user-access",
            PolicyDocument=json.dumps(
                {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Action": ["sagemaker:*", "logs:*", "cloudwatch:*", "s3:*"],
                            "Resource": "*",
                        },
                        {"Effect": "Allow", "Action": "iam:PassRole", "Resource": ROLE_ARN},
                    ],
                }
            ),
        )
        iam.put_role_policy(
            RoleName=CI_ROLE_NAME,
            PolicyName="nightly-retraining",
            PolicyDocument=json.dumps(
                {
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
            ),
        )
    identities: dict[str, dict[str, str]] = {}
    with s.at(begin + dt.timedelta(minutes=5)):
        for user in STUDIO_USERS:
            identities[user] = sb.studio_credentials(user)
        ci = sb.boto3_client("sts").assume_role(RoleArn=CI_ROLE_ARN, RoleSessionName=CI_SESSION_NAME)
        c = ci["Credentials"]
        identities["ci"] = {
            "aws_access_key_id": c["AccessKeyId"],
            "aws_secret_access_key": c["SecretAccessKey"],
            "aws_session_token": c["SessionToken"],
        }
    for who, creds in identities.items():
        s.clients[who] = sb.boto3_client("sagemaker", **creds)
    s.clients["admin"] = sb.boto3_client("sagemaker")
    state = ScenarioState(seeded_at=now, identities=identities)
    s.state = state

    _seed_domains(s)
    _seed_training(s)
    _seed_processing(s)
    _seed_models_and_transform(s)
    _seed_endpoints(s)
    s.flush_metrics()
    _STATES[key] = state
    sb.scenario = state
    return state


def _seed_domains(s: _Seeder) -> None:
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
        fsm.rekey_domain(f"d-{name}", dom_id)
        created = _naive(s.now - dt.timedelta(days=9, hours=len(users)))
        dom = fsm.backend().domains[dom_id]
        dom.creation_time = dom.last_modified_time = created
        for user in users:
            with s.at(s.now - dt.timedelta(days=9)):
                sm.create_user_profile(
                    DomainId=dom_id, UserProfileName=user, UserSettings={"ExecutionRole": ROLE_ARN}
                )


def _naive(t: dt.datetime) -> dt.datetime:
    return t.astimezone(dt.UTC).replace(tzinfo=None)


def _training_job(
    s: _Seeder,
    who: str,
    name: str,
    *,
    created: dt.datetime,
    image: str,
    instance: str,
    count: int,
    hyper: dict[str, str],
    spot: bool = False,
    tags: list[dict[str, str]] | None = None,
    inputs: list[str] = ("train", "validation"),
    entry: str = "train.py",
) -> None:
    data = [
        {
            "ChannelName": ch,
            "DataSource": {
                "S3DataSource": {
                    "S3DataType": "S3Prefix",
                    "S3Uri": f"s3://ml-team-data/{name.split('-')[0]}/{ch}/",
                    "S3DataDistributionType": "FullyReplicated",
                }
            },
            "ContentType": "application/x-parquet",
            "CompressionType": "None",
            "RecordWrapperType": "None",
            "InputMode": "File",
        }
        for ch in inputs
    ]
    with s.at(created):
        s.sm(who).create_training_job(
            TrainingJobName=name,
            HyperParameters={**hyper, "sagemaker_program": entry},
            AlgorithmSpecification={
                "TrainingImage": image,
                "TrainingInputMode": "File",
                "EnableSageMakerMetricsTimeSeries": True,
            },
            RoleArn=ROLE_ARN,
            InputDataConfig=data,
            OutputDataConfig={"S3OutputPath": "s3://ml-team-artifacts/models/"},
            ResourceConfig={"InstanceType": instance, "InstanceCount": count, "VolumeSizeInGB": 100},
            StoppingCondition={
                "MaxRuntimeInSeconds": 86400,
                **({"MaxWaitTimeInSeconds": 172800} if spot else {}),
            },
            EnableManagedSpotTraining=spot,
            Tags=tags or [{"Key": "owner", "Value": who}],
        )
    metric_defs = [
        {"Name": "train:loss", "Regex": "'loss': ([0-9.]+)"},
        {"Name": "validation:accuracy", "Regex": "val_accuracy: ([0-9.]+)"},
    ]
    fsm.set_fields(
        "training",
        name,
        CreationTime=created,
        LastModifiedTime=created,
        AlgorithmSpecification={
            "TrainingImage": image,
            "TrainingInputMode": "File",
            "MetricDefinitions": metric_defs,
            "EnableSageMakerMetricsTimeSeries": True,
        },
        FinalMetricDataList=None,
        EnableManagedSpotTraining=spot,
    )


def _transitions(
    created: dt.datetime, start: dt.datetime, end: dt.datetime | None, final: str, failure: str | None = None
) -> list[dict[str, Any]]:
    out = [
        {
            "Status": "Starting",
            "StartTime": created,
            "EndTime": created + (start - created) / 2,
            "StatusMessage": "Preparing the instances for training",
        },
        {
            "Status": "Downloading",
            "StartTime": created + (start - created) / 2,
            "EndTime": start,
            "StatusMessage": "Downloading input data",
        },
        {
            "Status": "Training",
            "StartTime": start,
            "StatusMessage": "Training image download completed. Training in progress.",
        },
    ]
    if end is None:
        return out
    out[-1]["EndTime"] = end
    if final == "Completed":
        out.append(
            {
                "Status": "Uploading",
                "StartTime": end,
                "EndTime": end + dt.timedelta(seconds=40),
                "StatusMessage": "Uploading generated training model",
            }
        )
        out.append(
            {
                "Status": "Completed",
                "StartTime": end + dt.timedelta(seconds=40),
                "EndTime": end + dt.timedelta(seconds=40),
                "StatusMessage": "Training job completed",
            }
        )
    elif final == "Failed":
        out.append(
            {
                "Status": "Failed",
                "StartTime": end,
                "EndTime": end,
                "StatusMessage": f"Training job failed. {failure or ''}".strip(),
            }
        )
    elif final == "Stopped":
        out.append(
            {
                "Status": "Stopping",
                "StartTime": end,
                "EndTime": end + dt.timedelta(seconds=20),
                "StatusMessage": "Stopping the training job",
            }
        )
        out.append(
            {
                "Status": "Stopped",
                "StartTime": end + dt.timedelta(seconds=20),
                "EndTime": end + dt.timedelta(seconds=20),
                "StatusMessage": "Training job stopped",
            }
        )
    return out


def _finish_training(
    s: _Seeder,
    name: str,
    status: str,
    created: dt.datetime,
    start: dt.datetime,
    end: dt.datetime | None,
    *,
    failure: str | None = None,
    billable: int | None = None,
    metrics: list[tuple[str, float]] = (),
    spot: bool = False,
) -> None:
    fields: dict[str, Any] = {
        "TrainingStartTime": start,
        "SecondaryStatusTransitions": _transitions(created, start, end, status, failure),
    }
    if end is None:
        fields.update(
            SecondaryStatus="Training", TrainingEndTime=None, LastModifiedTime=start, ModelArtifacts=None
        )
    else:
        done = end + dt.timedelta(seconds=40)
        seconds = int((done - created).total_seconds())
        fields.update(
            TrainingEndTime=done,
            LastModifiedTime=done,
            TrainingTimeInSeconds=seconds,
            BillableTimeInSeconds=billable if billable is not None else seconds,
            SecondaryStatus={"Completed": "Completed", "Failed": "Failed", "Stopped": "Stopped"}[status],
        )
        if status != "Completed":
            fields["ModelArtifacts"] = None
    if failure:
        fields["FailureReason"] = failure
    if metrics:
        stamp = end or s.now
        fields["FinalMetricDataList"] = [
            {"MetricName": m, "Value": v, "Timestamp": stamp} for m, v in metrics
        ]
    if spot:
        fields["EnableManagedSpotTraining"] = True
    fsm.set_status("training", name, status, **fields)


def _seed_training(s: _Seeder) -> None:
    now, rng = s.now, s.rng
    st = s.state
    assert st is not None

    # --- the multi-node LLM fine-tune, still training
    name = MULTI_NODE_JOB
    created = now - dt.timedelta(hours=2, minutes=15)
    start = created + dt.timedelta(minutes=8)
    _training_job(
        s,
        "alice",
        name,
        created=created,
        image=IMAGES["hf"],
        instance="ml.p4d.24xlarge",
        count=MULTI_NODE_COUNT,
        hyper={
            "model_id": "meta-llama/Meta-Llama-3-8B",
            "epochs": "3",
            "per_device_train_batch_size": "4",
            "lr": "2e-5",
        },
    )
    _finish_training(s, name, "InProgress", created, start, None)
    epoch = int(start.timestamp())
    streams, hosts = [], []
    n_steps = int((now - start).total_seconds() // 30)
    for h in range(1, MULTI_NODE_COUNT + 1):
        host = f"algo-{h}"
        stream = f"{name}/{host}-{epoch}"
        ev = training_banner(
            start, host, MULTI_NODE_COUNT, "sagemaker_pytorch_container.training:main", "run_clm.py"
        )
        t = start + dt.timedelta(seconds=20)
        ev += [
            (t, f"{host}:{130 + h}:{130 + h} [0] NCCL INFO Bootstrap : Using eth0:10.0.{h}.23<0>"),
            (t, f"{host}:{130 + h}:{130 + h} [0] NCCL INFO NET/OFI Selected Provider is efa"),
            (
                t + dt.timedelta(seconds=2),
                f"\x1b[32mINFO\x1b[0m rank {8 * (h - 1)}: world size 32, local rank 0, node rank {h - 1}",
            ),
            (t + dt.timedelta(seconds=30), "Loading checkpoint shards: " + tqdm_line(4, steps=4)),
            (t + dt.timedelta(seconds=60), "Map (num_proc=32): " + tqdm_line(500)),
        ]
        for i, when in enumerate(
            _spread(start + dt.timedelta(minutes=2), now - dt.timedelta(seconds=5), n_steps), start=1
        ):
            ev.append(
                (when, llm_step_line(i, n_steps + 2000, rng) if h == 1 else llm_worker_line(host, i, rng))
            )
            if h == 1 and i % 50 == 0:
                ev.append(
                    (
                        when,
                        f"\x1b[33mWARNING\x1b[0m step {i}: gradient overflow, skipping step, "
                        "reducing loss scale to 32768.0",
                    )
                )
        s.stream(TRAINING_GROUP, stream, ev)
        streams.append(stream)
        hosts.append(f"{name}/{host}")
    st.streams[("training", name)] = list(streams)
    st.runs[("training", name)] = Run(
        "training",
        name,
        TRAINING_GROUP,
        streams,
        hosts,
        "/aws/sagemaker/TrainingJobs",
        "llm",
        step=n_steps,
        total_steps=n_steps + 2000,
    )
    s.job_metrics("/aws/sagemaker/TrainingJobs", hosts, start, now, gpus=8)

    # --- completed BERT fine-tune with the 256 KB line
    name = COMPLETED_JOB
    created = now - dt.timedelta(days=1, hours=3)
    start, end = created + dt.timedelta(minutes=5), created + dt.timedelta(minutes=52)
    _training_job(
        s,
        "bob",
        name,
        created=created,
        image=IMAGES["hf"],
        instance="ml.g5.2xlarge",
        count=1,
        hyper={
            "model_name": "bert-base-uncased",
            "epochs": "10",
            "train_batch_size": "32",
            "learning_rate": "3e-5",
            "warmup_steps": "500",
        },
    )
    _finish_training(
        s,
        name,
        "Completed",
        created,
        start,
        end,
        metrics=[("train:loss", 0.1214), ("validation:accuracy", 0.9132), ("validation:f1", 0.9087)],
    )
    ev = training_banner(
        start, "algo-1", 1, "sagemaker_huggingface_pytorch_container.training:main", "train.py"
    )
    times = _spread(start + dt.timedelta(minutes=1), end - dt.timedelta(minutes=1), 10)
    for e, when in enumerate(times, start=1):
        ev.append((when - dt.timedelta(seconds=30), f"Epoch {e}/10: " + tqdm_line(500)))
        loss = 0.69 * (0.78**e)
        acc = 0.80 + 0.012 * e - rng.uniform(0, 0.004)
        ev.append(
            (when, f"epoch {e}/10 - loss: {loss:.4f} - val_loss: {loss * 1.1:.4f} - val_accuracy: {acc:.4f}")
        )
        if e == 4:
            payload = "tokenizer vocab dump: " + "abcdefghij" * (LONG_LINE_BYTES // 10)
            ev.append((when + dt.timedelta(seconds=1), payload[:LONG_LINE_BYTES]))
    ev.append((end, "Saving model checkpoint to /opt/ml/model"))
    ev.append((end, f"{_stamp(end)} sagemaker-training-toolkit INFO     Reporting training SUCCESS"))
    s.stream(TRAINING_GROUP, f"{name}/algo-1-{int(start.timestamp())}", ev)
    st.streams[("training", name)] = [f"{name}/algo-1-{int(start.timestamp())}"]
    s.job_metrics("/aws/sagemaker/TrainingJobs", [f"{name}/algo-1"], start, end, gpus=1)

    # --- failed ResNet: CUDA OOM
    name = FAILED_JOB
    created = now - dt.timedelta(hours=20)
    start, end = created + dt.timedelta(minutes=6), created + dt.timedelta(minutes=17)
    _training_job(
        s,
        "alice",
        name,
        created=created,
        image=IMAGES["pytorch"],
        instance="ml.p3.2xlarge",
        count=1,
        hyper={"arch": "resnet50", "batch-size": "512", "epochs": "90", "lr": "0.1"},
    )
    _finish_training(s, name, "Failed", created, start, end, failure=FAILURE_REASON_OOM)
    ev = training_banner(start, "algo-1", 1, "sagemaker_pytorch_container.training:main", "train.py")
    ev.append((start + dt.timedelta(minutes=1), "=> creating model 'resnet50'"))
    ev.append((start + dt.timedelta(minutes=2), "Epoch: [0][  0/2503]\tTime  4.211\tLoss 6.9312"))
    ev.append((start + dt.timedelta(minutes=3), "Epoch: [0][ 10/2503]\tTime  0.612\tLoss 6.9011"))
    ev.append((end - dt.timedelta(seconds=5), PYTHON_TRACEBACK))
    ev.append((end, f"{_stamp(end)} sagemaker-training-toolkit ERROR    Reporting training FAILURE"))
    ev.append((end, f"{_stamp(end)} sagemaker-training-toolkit ERROR    ExecuteUserScriptError:\nExitCode 1"))
    stream = f"{name}/algo-1-{int(start.timestamp())}"
    s.stream(TRAINING_GROUP, stream, ev)
    st.streams[("training", name)] = [stream]
    s.job_metrics("/aws/sagemaker/TrainingJobs", [f"{name}/algo-1"], start, end, gpus=1)

    # --- xgboost jobs
    def xgb(
        name: str,
        who: str,
        created: dt.datetime,
        minutes: int,
        status: str,
        *,
        spot: bool = False,
        rounds: int = 100,
        billable: int | None = None,
        lines: list[str] | None = None,
    ) -> None:
        start = created + dt.timedelta(minutes=3)
        end = start + dt.timedelta(minutes=minutes)
        _training_job(
            s,
            who,
            name,
            created=created,
            image=IMAGES["xgb"],
            instance="ml.m5.xlarge",
            count=1,
            hyper={
                "objective": "binary:logistic",
                "num_round": str(rounds),
                "max_depth": "6",
                "eta": "0.2",
                "eval_metric": "auc",
            },
            spot=spot,
        )
        _finish_training(
            s,
            name,
            status,
            created,
            start,
            end,
            billable=billable,
            spot=spot,
            metrics=[("train:auc", 0.9731), ("validation:auc", 0.9412)] if status == "Completed" else [],
        )
        tag = f"[{start:%Y-%m-%d:%H:%M:%S}:INFO]"
        ev = [
            (start, f"{tag} Imported framework sagemaker_xgboost_container.training"),
            (start, f"{tag} No GPUs detected (normal if no gpus installed)"),
            (start, f"{tag} Running XGBoost Sagemaker in algorithm mode"),
            (start, f"{tag} Determined 0 GPU(s) available on the instance."),
            (start, f"{tag} files path: /opt/ml/input/data/train"),
        ]
        for line in lines or []:
            ev.append((start + dt.timedelta(seconds=5), line))
        shown = rounds if status == "Completed" else rounds // 3
        for i, when in enumerate(_spread(start + dt.timedelta(seconds=10), end, shown)):
            ev.append((when, xgb_round_line(i, rng)))
        if status == "Stopped":
            ev.append((end, "Received SIGTERM: stopping training (StopTrainingJob)"))
        stream = f"{name}/algo-1-{int(start.timestamp())}"
        s.stream(TRAINING_GROUP, stream, ev)
        st.streams[("training", name)] = [stream]
        s.job_metrics("/aws/sagemaker/TrainingJobs", [f"{name}/algo-1"], start, end, gpus=0)

    xgb(SPOT_JOB, "bob", now - dt.timedelta(days=2, hours=5), 18, "Completed", spot=True, billable=378)
    xgb(STOPPED_JOB, "alice", now - dt.timedelta(days=1, hours=20), 15, "Stopped", rounds=300)
    xgb(
        PREFIX_JOB,
        "bob",
        now - dt.timedelta(days=3, hours=2),
        6,
        "Completed",
        rounds=20,
        lines=["PREFIX-PAIR marker: this line belongs to job 'train' only"],
    )
    xgb(
        PREFIX_JOB_2,
        "bob",
        now - dt.timedelta(days=3, hours=1),
        7,
        "Completed",
        rounds=24,
        lines=["PREFIX-PAIR marker: this line belongs to job 'train-2' only"],
    )

    # --- the hostile job: escape sequences in logs, hyperparameters and tags
    name = HOSTILE_JOB
    created = now - dt.timedelta(hours=6)
    start, end = created + dt.timedelta(minutes=2), created + dt.timedelta(minutes=9)
    _training_job(
        s,
        "bob",
        name,
        created=created,
        image=IMAGES["pytorch"],
        instance="ml.m5.large",
        count=1,
        hyper={"note": f"{OSC_TITLE}innocent hyperparameter", "epochs": "1"},
        tags=[
            {"Key": "owner", "Value": "bob"},
            {"Key": "failure-note", "Value": f"AlgorithmError: {CSI_CLEAR}tag with an escape"},
        ],
    )
    _finish_training(s, name, "Completed", created, start, end)
    ev = [(start + dt.timedelta(seconds=i), line) for i, line in enumerate(HOSTILE_LINES)]
    stream = f"{name}/algo-1-{int(start.timestamp())}"
    s.stream(TRAINING_GROUP, stream, ev)
    st.streams[("training", name)] = [stream]

    # --- nightly retraining by the CI pipeline (two manual reruns by the Studio users)
    for d in range(NIGHTLY_DAYS, 0, -1):
        day = (now - dt.timedelta(days=d)).replace(hour=2, minute=0, second=0)
        name = f"{NIGHTLY_PREFIX}{day:%Y-%m-%d}"
        who = {3: "alice", 5: "bob"}.get(d, "ci")
        xgb(name, who, day, 11 + d, "Completed", rounds=60)


def _seed_processing(s: _Seeder) -> None:
    now, st = s.now, s.state
    assert st is not None

    def job(
        name: str, who: str, created: dt.datetime, count: int, instance: str, image: str, entry: str
    ) -> None:
        with s.at(created):
            s.sm(who).create_processing_job(
                ProcessingJobName=name,
                ProcessingResources={
                    "ClusterConfig": {"InstanceCount": count, "InstanceType": instance, "VolumeSizeInGB": 50}
                },
                AppSpecification={
                    "ImageUri": image,
                    "ContainerEntrypoint": ["python3", f"/opt/ml/processing/input/code/{entry}"],
                },
                RoleArn=ROLE_ARN,
                ProcessingInputs=[
                    {
                        "InputName": "raw",
                        "S3Input": {
                            "S3Uri": "s3://ml-team-data/churn/raw/",
                            "LocalPath": "/opt/ml/processing/input/raw",
                            "S3DataType": "S3Prefix",
                            "S3InputMode": "File",
                        },
                    }
                ],
                ProcessingOutputConfig={
                    "Outputs": [
                        {
                            "OutputName": "features",
                            "S3Output": {
                                "S3Uri": f"s3://ml-team-data/churn/{name}/",
                                "LocalPath": "/opt/ml/processing/output",
                                "S3UploadMode": "EndOfJob",
                            },
                        }
                    ]
                },
                StoppingCondition={"MaxRuntimeInSeconds": 7200},
                Tags=[{"Key": "owner", "Value": who}],
            )
        fsm.set_fields(
            "processing",
            name,
            CreationTime=created,
            LastModifiedTime=created,
            ProcessingStartTime=created + dt.timedelta(minutes=3),
        )

    created = now - dt.timedelta(days=2, hours=6)
    job(PROCESSING_JOB, "bob", created, 2, "ml.m5.4xlarge", IMAGES["sklearn"], "preprocess.py")
    start, end = created + dt.timedelta(minutes=3), created + dt.timedelta(minutes=17)
    fsm.set_status(
        "processing",
        PROCESSING_JOB,
        "Completed",
        ProcessingEndTime=end,
        LastModifiedTime=end,
        ExitMessage="Completed: wrote 1,204,551 rows",
    )
    streams = []
    for h in (1, 2):
        stream = f"{PROCESSING_JOB}/algo-{h}-{int(start.timestamp())}"
        ev = [(start, f"Reading s3://ml-team-data/churn/raw/part-{p:05d}.parquet") for p in range(h, 40, 2)]
        ev += [
            (start + dt.timedelta(minutes=5), "Imputing 12 columns; one-hot encoding 7 categoricals"),
            (start + dt.timedelta(minutes=6), "Shard " + tqdm_line(120)),
            (
                end - dt.timedelta(minutes=1),
                f"algo-{h}: wrote {602_275 + h} rows to /opt/ml/processing/output",
            ),
        ]
        s.stream(PROCESSING_GROUP, stream, ev)
        streams.append(stream)
    st.streams[("processing", PROCESSING_JOB)] = streams
    s.job_metrics(
        "/aws/sagemaker/ProcessingJobs",
        [f"{PROCESSING_JOB}/algo-1", f"{PROCESSING_JOB}/algo-2"],
        start,
        end,
        gpus=0,
    )

    created = now - dt.timedelta(minutes=40)
    job(PROCESSING_IN_PROGRESS, "alice", created, 1, "ml.g5.12xlarge", IMAGES["hf"], "evaluate.py")
    start = created + dt.timedelta(minutes=3)
    fsm.set_status("processing", PROCESSING_IN_PROGRESS, "InProgress", LastModifiedTime=start)
    stream = f"{PROCESSING_IN_PROGRESS}/algo-1-{int(start.timestamp())}"
    n = int((now - start).total_seconds() // 20)
    ev = [(start, "Loading model from s3://ml-team-artifacts/models/llama3-ft-multinode/checkpoint-1800/")]
    ev += [
        (t, f"eval batch {i}/600 - exact_match: {0.41 + 0.0004 * i:.4f} - rougeL: {0.37 + 0.0003 * i:.4f}")
        for i, t in enumerate(_spread(start + dt.timedelta(minutes=1), now - dt.timedelta(seconds=3), n), 1)
    ]
    s.stream(PROCESSING_GROUP, stream, ev)
    st.streams[("processing", PROCESSING_IN_PROGRESS)] = [stream]
    st.runs[("processing", PROCESSING_IN_PROGRESS)] = Run(
        "processing",
        PROCESSING_IN_PROGRESS,
        PROCESSING_GROUP,
        [stream],
        [f"{PROCESSING_IN_PROGRESS}/algo-1"],
        "/aws/sagemaker/ProcessingJobs",
        "eval",
        step=n,
        total_steps=600,
    )
    s.job_metrics("/aws/sagemaker/ProcessingJobs", [f"{PROCESSING_IN_PROGRESS}/algo-1"], start, now, gpus=4)

    created = now - dt.timedelta(days=1, hours=2)
    job(PROCESSING_FAILED, "ci", created, 1, "ml.m5.xlarge", IMAGES["sklearn"], "check_quality.py")
    start, end = created + dt.timedelta(minutes=3), created + dt.timedelta(minutes=8)
    fsm.set_status(
        "processing",
        PROCESSING_FAILED,
        "Failed",
        ProcessingEndTime=end,
        LastModifiedTime=end,
        FailureReason=FAILURE_REASON_PROCESSING,
        ExitMessage="ConstraintViolationError: 3 violations",
    )
    stream = f"{PROCESSING_FAILED}/algo-1-{int(start.timestamp())}"
    s.stream(
        PROCESSING_GROUP,
        stream,
        [
            (start, "Running deequ-style checks on s3://ml-team-data/churn/raw/"),
            (
                start + dt.timedelta(minutes=2),
                "ERROR constraint violated: completeness(tenure_months) = 0.91 < 0.99",
            ),
            (
                start + dt.timedelta(minutes=2),
                "ERROR constraint violated: completeness(monthly_charges) = 0.95 < 0.99",
            ),
            (
                start + dt.timedelta(minutes=2),
                "ERROR constraint violated: completeness(contract_type) = 0.97 < 0.99",
            ),
            (
                end,
                'Traceback (most recent call last):\n  File "/opt/ml/processing/input/code/check_quality.py", '
                "line 77, in <module>\n    raise ConstraintViolationError(violations)\n"
                "ConstraintViolationError: 3 violations",
            ),
        ],
    )
    st.streams[("processing", PROCESSING_FAILED)] = [stream]


def _create_model(s: _Seeder, who: str, name: str, image: str, created: dt.datetime) -> None:
    with s.at(created):
        s.sm(who).create_model(
            ModelName=name,
            ExecutionRoleArn=ROLE_ARN,
            PrimaryContainer={
                "Image": image,
                "ModelDataUrl": f"s3://ml-team-artifacts/models/{name}/model.tar.gz",
                "Environment": {"SAGEMAKER_PROGRAM": "inference.py"},
            },
        )


def _seed_models_and_transform(s: _Seeder) -> None:
    now, st = s.now, s.state
    assert st is not None
    _create_model(s, "ci", "churn-xgb-model", IMAGES["xgb"], now - dt.timedelta(days=9, hours=1))
    _create_model(s, "alice", "embed-docs-model", IMAGES["inference"], now - dt.timedelta(hours=1))

    def job(name: str, who: str, model: str, created: dt.datetime, count: int, instance: str) -> None:
        with s.at(created):
            s.sm(who).create_transform_job(
                TransformJobName=name,
                ModelName=model,
                MaxConcurrentTransforms=4,
                MaxPayloadInMB=6,
                BatchStrategy="MultiRecord",
                TransformInput={
                    "DataSource": {
                        "S3DataSource": {
                            "S3DataType": "S3Prefix",
                            "S3Uri": f"s3://ml-team-data/{name}/input/",
                        }
                    },
                    "ContentType": "text/csv",
                    "SplitType": "Line",
                },
                TransformOutput={"S3OutputPath": f"s3://ml-team-data/{name}/output/", "AssembleWith": "Line"},
                TransformResources={"InstanceType": instance, "InstanceCount": count},
                Tags=[{"Key": "owner", "Value": who}],
            )
        fsm.set_fields(
            "transform",
            name,
            CreationTime=created,
            LastModifiedTime=created,
            TransformStartTime=created + dt.timedelta(minutes=4),
            FailureReason=None,
        )

    created = now - dt.timedelta(days=1, hours=1)
    job(TRANSFORM_JOB, "bob", "churn-xgb-model", created, 2, "ml.m5.xlarge")
    start, end = created + dt.timedelta(minutes=4), created + dt.timedelta(minutes=16)
    fsm.set_status("transform", TRANSFORM_JOB, "Completed", TransformEndTime=end, LastModifiedTime=end)
    streams = []
    for i, inst in enumerate(TRANSFORM_INSTANCES, start=1):
        base = f"{TRANSFORM_JOB}/{inst}-{int(start.timestamp())}"
        s.stream(
            TRANSFORM_GROUP,
            base,
            [
                (start, "Starting the inference server with 4 workers."),
                (start, "[2026-11-26 23:11:02 +0000] [21] [INFO] Listening at: unix:/tmp/gunicorn.sock (21)"),
                *[
                    (t, access_line(t, "/invocations", 200, s.rng))
                    for t in _spread(start + dt.timedelta(minutes=1), end - dt.timedelta(minutes=1), 40)
                ],
            ],
        )
        s.stream(
            TRANSFORM_GROUP,
            f"{base}/data-log",
            [
                (
                    start,
                    "[sagemaker logs]: MaxConcurrentTransforms=4, MaxPayloadInMB=6, BatchStrategy=MULTI_RECORD",
                ),
                *[
                    (
                        t,
                        f"[sagemaker logs]: s3://ml-team-data/{TRANSFORM_JOB}/input/part-{2 * p + i:05d}.csv: "
                        "Finished processing",
                    )
                    for p, t in enumerate(_spread(start + dt.timedelta(minutes=2), end, 12))
                ],
            ],
        )
        streams += [base, f"{base}/data-log"]
    st.streams[("transform", TRANSFORM_JOB)] = streams
    s.job_metrics(
        "/aws/sagemaker/TransformJobs",
        [f"{TRANSFORM_JOB}/{i}" for i in TRANSFORM_INSTANCES],
        start,
        end,
        gpus=0,
        transform=True,
    )

    created = now - dt.timedelta(minutes=25)
    job(TRANSFORM_IN_PROGRESS, "alice", "embed-docs-model", created, 1, "ml.g5.xlarge")
    start = created + dt.timedelta(minutes=4)
    fsm.set_status("transform", TRANSFORM_IN_PROGRESS, "InProgress", LastModifiedTime=start)
    inst = "i-0e1f2a3b4c5d60003"
    base = f"{TRANSFORM_IN_PROGRESS}/{inst}-{int(start.timestamp())}"
    n = int((now - start).total_seconds() // 15)
    s.stream(
        TRANSFORM_GROUP,
        base,
        [(start, "Starting the inference server with 1 worker.")]
        + [
            (t, access_line(t, "/invocations", 200, s.rng))
            for t in _spread(start + dt.timedelta(minutes=1), now - dt.timedelta(seconds=2), n)
        ],
    )
    s.stream(
        TRANSFORM_GROUP,
        f"{base}/data-log",
        [
            (
                t,
                f"[sagemaker logs]: s3://ml-team-data/{TRANSFORM_IN_PROGRESS}/input/docs-{p:05d}.jsonl: "
                "Finished processing",
            )
            for p, t in enumerate(_spread(start + dt.timedelta(minutes=2), now, 6))
        ],
    )
    st.streams[("transform", TRANSFORM_IN_PROGRESS)] = [base, f"{base}/data-log"]
    st.runs[("transform", TRANSFORM_IN_PROGRESS)] = Run(
        "transform",
        TRANSFORM_IN_PROGRESS,
        TRANSFORM_GROUP,
        [base],
        [f"{TRANSFORM_IN_PROGRESS}/{inst}"],
        "/aws/sagemaker/TransformJobs",
        "embed",
        step=6,
        total_steps=200,
        data_logs=[f"{base}/data-log"],
    )
    s.job_metrics(
        "/aws/sagemaker/TransformJobs",
        [f"{TRANSFORM_IN_PROGRESS}/{inst}"],
        start,
        now,
        gpus=1,
        transform=True,
    )


def _seed_endpoints(s: _Seeder) -> None:
    now, st, rng = s.now, s.state, s.rng
    assert st is not None

    def endpoint(
        who: str,
        name: str,
        model: str,
        image: str,
        variants: list[dict[str, Any]],
        created: dt.datetime,
        **config: Any,
    ) -> None:
        _create_model(s, who, model, image, created - dt.timedelta(minutes=3))
        with s.at(created - dt.timedelta(minutes=2)):
            s.sm(who).create_endpoint_config(
                EndpointConfigName=f"{name}-config",
                ProductionVariants=[{"ModelName": model, **v} for v in variants],
                **config,
            )
        with s.at(created):
            s.sm(who).create_endpoint(
                EndpointName=name, EndpointConfigName=f"{name}-config", Tags=[{"Key": "owner", "Value": who}]
            )
        fsm.set_fields("endpoint", name, CreationTime=created, LastModifiedTime=created)

    # --- churn-prod: two variants, health checks and real traffic
    created = now - dt.timedelta(days=9)
    endpoint(
        "ci",
        ENDPOINT,
        "churn-xgb-model-v7",
        IMAGES["xgb"],
        [
            {
                "VariantName": "variant-a",
                "InstanceType": "ml.m5.large",
                "InitialInstanceCount": 2,
                "InitialVariantWeight": 0.8,
            },
            {
                "VariantName": "variant-b",
                "InstanceType": "ml.m5.large",
                "InitialInstanceCount": 1,
                "InitialVariantWeight": 0.2,
            },
        ],
        created,
        DataCaptureConfig={
            "EnableCapture": True,
            "InitialSamplingPercentage": 20,
            "DestinationS3Uri": "s3://ml-team-artifacts/datacapture/churn-prod",
            "CaptureOptions": [{"CaptureMode": "Input"}, {"CaptureMode": "Output"}],
        },
    )
    image = {
        "Image": IMAGES["xgb"],
        "ResolvedImage": IMAGES["xgb"].split(":")[0] + "@sha256:" + "3f" * 32,
        "ResolutionTime": created,
    }
    fsm.set_status(
        "endpoint",
        ENDPOINT,
        "InService",
        LastModifiedTime=now - dt.timedelta(days=2),
        ProductionVariants=[
            {
                "VariantName": "variant-a",
                "CurrentWeight": 0.8,
                "DesiredWeight": 0.8,
                "CurrentInstanceCount": 2,
                "DesiredInstanceCount": 2,
                "DeployedImages": [image],
            },
            {
                "VariantName": "variant-b",
                "CurrentWeight": 0.2,
                "DesiredWeight": 0.2,
                "CurrentInstanceCount": 1,
                "DesiredInstanceCount": 1,
                "DeployedImages": [image],
            },
        ],
        DataCaptureConfig={
            "EnableCapture": True,
            "CaptureStatus": "Started",
            "CurrentSamplingPercentage": 20,
            "DestinationS3Uri": "s3://ml-team-artifacts/datacapture/churn-prod",
        },
    )
    group = endpoint_group(ENDPOINT)
    live = LiveEndpoint(ENDPOINT, dict(ENDPOINT_VARIANTS), {})
    window = now - dt.timedelta(hours=2)
    for variant, instances in ENDPOINT_VARIANTS.items():
        for inst in instances:
            stream = f"{variant}/{inst}"
            ev: list[tuple[dt.datetime, str]] = [
                (window, "[2026-11-27 22:01:00 +0000] [INFO] Starting gunicorn 21.2.0"),
                (window, "[2026-11-27 22:01:00 +0000] [INFO] Model churn-xgb-model-v7 loaded in 412 ms"),
            ]
            t = window
            while t < now:
                ev.append((t, access_line(t, "/ping", 200, rng)))
                for _ in range(rng.randint(0, 2)):
                    ti = t + dt.timedelta(milliseconds=rng.randint(1, 9000))
                    if ti < now:
                        status = 200 if rng.random() > 0.02 else rng.choice((400, 500))
                        ev.append((ti, access_line(ti, "/invocations", status, rng)))
                        if status == 500:
                            ev.append(
                                (
                                    ti,
                                    json.dumps(
                                        {
                                            "level": "error",
                                            "latency": rng.randint(900, 3000),
                                            "msg": "XGBoostError: feature_names mismatch",
                                        }
                                    ),
                                )
                            )
                        elif rng.random() < 0.1:
                            ev.append(
                                (
                                    ti,
                                    json.dumps(
                                        {
                                            "level": "info",
                                            "latency": rng.randint(8, 140),
                                            "msg": "scored batch",
                                            "rows": rng.randint(1, 64),
                                        }
                                    ),
                                )
                            )
                t += dt.timedelta(seconds=10)
            s.stream(group, stream, ev)
            live.streams[inst] = stream
    st.endpoints[ENDPOINT] = live
    st.streams[("endpoint", ENDPOINT)] = list(live.streams.values())
    s.endpoint_metrics(
        ENDPOINT,
        {v: len(i) for v, i in ENDPOINT_VARIANTS.items()},
        now - dt.timedelta(hours=3),
        rate=40,
        latency_us=5200,
    )

    # --- summarizer-async
    created = now - dt.timedelta(days=3)
    async_config = {
        "ClientConfig": {"MaxConcurrentInvocationsPerInstance": 4},
        "OutputConfig": {
            "S3OutputPath": "s3://ml-team-artifacts/async-out/summarizer/",
            "S3FailurePath": "s3://ml-team-artifacts/async-failures/summarizer/",
        },
    }
    endpoint(
        "alice",
        ASYNC_ENDPOINT,
        "summarizer-model",
        IMAGES["tgi"],
        [{"VariantName": ASYNC_VARIANT, "InstanceType": "ml.g5.2xlarge", "InitialInstanceCount": 1}],
        created,
        AsyncInferenceConfig=async_config,
    )
    fsm.set_status(
        "endpoint",
        ASYNC_ENDPOINT,
        "InService",
        LastModifiedTime=created + dt.timedelta(minutes=9),
        AsyncInferenceConfig=async_config,
    )
    group = endpoint_group(ASYNC_ENDPOINT)
    stream = f"{ASYNC_VARIANT}/{ASYNC_INSTANCE}"
    data_log = f"{stream}/data-log"
    ev, dl = (
        [
            (
                window,
                '2026-11-27T22:01:00.000Z INFO text_generation_launcher: Args { model_id: "/opt/ml/model" }',
            ),
            (window, "2026-11-27T22:01:04.000Z INFO text_generation_router: Connected"),
        ],
        [],
    )
    for t in _spread(window, now - dt.timedelta(seconds=5), 120):
        inference = f"{rng.getrandbits(64):016x}"
        ev.append(
            (
                t,
                f"{t:%Y-%m-%dT%H:%M:%S}.000Z INFO generate{{parameters=GenerateParameters {{ max_new_tokens: 256 }}}}"
                f' total_time="{rng.uniform(1.2, 6):.2f}s" inference_time="{rng.uniform(1, 5):.2f}s"',
            )
        )
        ok = rng.random() > 0.05
        dl.append(
            (
                t,
                json.dumps(
                    {
                        "level": "info" if ok else "error",
                        "inferenceId": inference,
                        "message": "Inference request succeeded."
                        if ok
                        else "Inference request failed: model timed out after 60 s",
                        "latency": rng.randint(1200, 6000) if ok else 60000,
                    }
                ),
            )
        )
    s.stream(group, stream, ev)
    s.stream(group, data_log, dl)
    st.endpoints[ASYNC_ENDPOINT] = LiveEndpoint(
        ASYNC_ENDPOINT,
        {ASYNC_VARIANT: (ASYNC_INSTANCE,)},
        {ASYNC_INSTANCE: stream},
        {ASYNC_INSTANCE: data_log},
    )
    st.streams[("endpoint", ASYNC_ENDPOINT)] = [stream, data_log]
    s.endpoint_metrics(
        ASYNC_ENDPOINT, {ASYNC_VARIANT: 1}, now - dt.timedelta(hours=3), rate=2, latency_us=3_400_000
    )

    # --- fraud-detector-v2: failed health check
    created = now - dt.timedelta(hours=5)
    endpoint(
        "bob",
        FAILED_ENDPOINT,
        "fraud-model-v2",
        IMAGES["inference"],
        [{"VariantName": "AllTraffic", "InstanceType": "ml.c5.xlarge", "InitialInstanceCount": 1}],
        created,
    )
    failed_at = created + dt.timedelta(minutes=14)
    fsm.set_status(
        "endpoint",
        FAILED_ENDPOINT,
        "Failed",
        LastModifiedTime=failed_at,
        FailureReason=FAILURE_REASON_ENDPOINT,
        ProductionVariants=[
            {
                "VariantName": "AllTraffic",
                "CurrentInstanceCount": 0,
                "DesiredInstanceCount": 1,
                "CurrentWeight": 1.0,
                "DesiredWeight": 1.0,
            }
        ],
    )
    stream = "AllTraffic/i-0f9e8d7c6b5a40016"
    t0 = created + dt.timedelta(minutes=6)
    s.stream(
        endpoint_group(FAILED_ENDPOINT),
        stream,
        [
            (t0, "Warning: TorchServe is using non-default JVM parameters: -XX:+UseContainerSupport"),
            (
                t0 + dt.timedelta(seconds=20),
                'Traceback (most recent call last):\n  File "/opt/ml/model/code/'
                'inference.py", line 3, in <module>\n    import lightgbm as lgb\nModuleNotFoundError: No module named '
                "'lightgbm'",
            ),
            (t0 + dt.timedelta(seconds=21), "Worker died."),
            *[
                (
                    t0 + dt.timedelta(seconds=30 + 5 * k),
                    access_line(t0 + dt.timedelta(seconds=30 + 5 * k), "/ping", 503, rng),
                )
                for k in range(20)
            ],
        ],
    )
    st.streams[("endpoint", FAILED_ENDPOINT)] = [stream]

    # --- recsys-staging: still Creating
    created = now - dt.timedelta(minutes=4)
    endpoint(
        "bob",
        CREATING_ENDPOINT,
        "recsys-two-tower",
        IMAGES["inference"],
        [{"VariantName": "AllTraffic", "InstanceType": "ml.g5.xlarge", "InitialInstanceCount": 1}],
        created,
    )
    fsm.set_status(
        "endpoint",
        CREATING_ENDPOINT,
        "Creating",
        LastModifiedTime=created,
        ProductionVariants=[{"VariantName": "AllTraffic", "DesiredInstanceCount": 1, "DesiredWeight": 1.0}],
    )
    st.endpoints[CREATING_ENDPOINT] = LiveEndpoint(
        CREATING_ENDPOINT, {"AllTraffic": ("i-0d2c3b4a5f6e70017",)}, {}, ticks_to_in_service=20
    )
    st.streams[("endpoint", CREATING_ENDPOINT)] = []


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
TRANSFORM_JOBS = (TRANSFORM_JOB, TRANSFORM_IN_PROGRESS)
ENDPOINTS = (ENDPOINT, ASYNC_ENDPOINT, FAILED_ENDPOINT, CREATING_ENDPOINT)

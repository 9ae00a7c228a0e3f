"""The default scenario's people at work while the demo runs, through the sandbox's API like any client:
every ``spawn_every`` ticks alice, bob or the CI pipeline starts a training job (recorded in CloudTrail as
its owner), and every tick the churn service scores a few rows on ``churn-prod`` (with the odd malformed
row the model rejects). What those jobs and calls then do (statuses, log lines, metrics) is the
lifecycles' work (:mod:`smtui.sandbox.lifecycle`), the same as for anything any client creates.

:meth:`ScenarioDriver.start` runs ticks on a daemon thread; tests call :meth:`tick` themselves.
"""

from __future__ import annotations

import logging
import random
import threading
from typing import Any

from smtui.sandbox.scenario import names as sc

log = logging.getLogger(__name__)


class ScenarioDriver:
    """Acts for the people of ``sb.scenario`` (or ``state``)."""

    def __init__(
        self, sb: Any, state: Any = None, *, spawn_every: int = 90, invoke: bool = True, seed: int = 7
    ) -> None:
        self.sb = sb
        self.state = state if state is not None else getattr(sb, "scenario", None)
        self.spawn_every = spawn_every
        self.invoke = invoke
        self.rng = random.Random(seed)
        self.ticks = 0
        self.errors = 0
        self.spawned: list[str] = []
        self.invocations = 0
        self._clients: dict[str, Any] = {}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    # ------------------------------------------------------------------ lifecycle

    def start(self, interval: float = 1.0) -> ScenarioDriver:
        if self._thread is not None:
            return self
        self._stop.clear()
        self._thread = threading.Thread(
            target=self._loop, args=(interval,), name="smtui-scenario-driver", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def _loop(self, interval: float) -> None:
        while not self._stop.wait(interval):
            try:
                self.tick()
            except Exception:  # a failed tick must not end the demo
                self.errors += 1
                log.debug("scenario driver tick failed", exc_info=True)

    # ------------------------------------------------------------------ one step

    def tick(self) -> None:
        with self._lock:
            self.ticks += 1
            if self.spawn_every and self.ticks % self.spawn_every == 0:
                self._spawn()
            if self.invoke:
                self._score()

    def _spawn(self) -> None:
        who = ("alice", "bob", "ci")[len(self.spawned) % 3]
        k = len(self.spawned) // 3
        hyper = {"epochs": "1", "seed": str(k)}
        if who == "alice":
            name, instance, image, seconds = f"llama3-lora-sweep-{k + 1:03d}", "ml.g5.12xlarge", "hf", 1200
        elif who == "bob":
            name, instance, image, seconds = f"xgb-churn-tuning-{k + 4:03d}", "ml.m5.xlarge", "xgb", 600
            if k % 3 == 2:  # every third tuning run of bob's diverges
                hyper["sandbox_fail"] = "ValueError: Input contains NaN, infinity or a value too large"
        else:
            name = f"ci-smoke-{self.rng.getrandbits(28):07x}"
            instance, image, seconds = "ml.m5.large", "xgb", 240
        hyper["sandbox_seconds"] = str(seconds)
        self._call(
            who,
            "create_training_job",
            TrainingJobName=name,
            RoleArn=sc.ROLE_ARN,
            HyperParameters=hyper,
            AlgorithmSpecification={"TrainingImage": sc.IMAGES[image], "TrainingInputMode": "File"},
            OutputDataConfig={"S3OutputPath": "s3://ml-team-artifacts/models/"},
            ResourceConfig={"InstanceType": instance, "InstanceCount": 1, "VolumeSizeInGB": 50},
            StoppingCondition={"MaxRuntimeInSeconds": 7200},
            Tags=[{"Key": "owner", "Value": who}],
        )
        self.spawned.append(name)

    def _score(self) -> None:
        runtime = self._clients.get("runtime")
        if runtime is None:
            runtime = self._clients["runtime"] = self.sb.boto3_client("sagemaker-runtime")
        for _ in range(self.rng.randint(0, 2)):
            if self.rng.random() < 0.03:
                row = "n/a," + ",".join("0.5" for _ in range(20))  # a row the model cannot read
            else:
                row = ",".join(f"{self.rng.uniform(0, 1):.4f}" for _ in range(21))
            try:
                runtime.invoke_endpoint(EndpointName=sc.ENDPOINT, ContentType="text/csv", Body=row)
            except runtime.exceptions.ModelError:
                pass  # the model said no: logged by the endpoint, counted as a 4XX
            self.invocations += 1

    def _call(self, who: str, operation: str, **params: Any) -> Any:
        """A SageMaker call as ``who``, renewing their session once when it has expired."""
        from botocore.exceptions import ClientError

        for attempt in (0, 1):
            try:
                return getattr(self._client(who), operation)(**params)
            except ClientError as exc:
                if attempt or "ExpiredToken" not in exc.response.get("Error", {}).get("Code", ""):
                    raise
                self._renew(who)
        return None

    def _client(self, who: str) -> Any:
        if who not in self._clients:
            creds = self.state.identities.get(who, {}) if self.state is not None else {}
            self._clients[who] = self.sb.boto3_client("sagemaker", **creds)
        return self._clients[who]

    def _renew(self, who: str) -> None:
        if who == "ci":
            creds = self.sb.ci_credentials(sc.CI_SESSION_NAME)
        else:
            creds = self.sb.studio_credentials(who)
        if self.state is not None:
            self.state.identities[who] = creds
        self._clients.pop(who, None)


def start(sb: Any, interval: float = 1.0) -> ScenarioDriver:
    """Start the scenario's people (called by :meth:`Sandbox.start` when its driver is on)."""
    return ScenarioDriver(sb).start(interval)


__all__ = ["ScenarioDriver", "start"]

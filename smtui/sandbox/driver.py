"""The scenario driver: keeps the default scenario alive, one deterministic step per tick.

Each :meth:`ScenarioDriver.tick`:

* advances in-progress jobs: training jobs move through SecondaryStatus Starting → Downloading →
  Training → Uploading → Completed (each change appended to SecondaryStatusTransitions); their log
  streams appear when training starts, as on SageMaker, and get a few lines per tick per stream;
  processing and transform jobs write progress lines and complete when their work is done;
* brings ``recsys-staging`` InService after 20 ticks, then serves it traffic like the others: health
  checks every 5 ticks, inference lines now and then, async data-log lines;
* every ``spawn_every`` ticks starts a new training job as alice, bob or the CI pipeline (recorded in
  CloudTrail with the right identity, because it goes through the sandbox's HTTP endpoint);
* on each new minute, puts one CloudWatch datapoint per running job host and endpoint variant.

The multi-node job trains for ~2,000 more ticks (over 30 minutes at the demo's 1 s interval), then
completes. :meth:`start` runs ticks on a daemon thread; tests call :meth:`tick` themselves.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import random
import threading
from collections import defaultdict
from typing import Any

from smtui.sandbox import fidelity_sagemaker as fsm
from smtui.sandbox import scenario as sc
from smtui.sandbox.scenario import LiveEndpoint, Run, ScenarioState

log = logging.getLogger(__name__)

#: ticks spent in each SecondaryStatus before training and after it
PHASE_TICKS = {"Starting": 8, "Downloading": 6, "Uploading": 4}
PING_EVERY = 5


class ScenarioDriver:
    """Drives a :class:`~smtui.sandbox.scenario.ScenarioState` (by default ``sb.scenario``)."""

    def __init__(
        self, sb: Any, state: ScenarioState | None = None, *, spawn_every: int = 90, seed: int = 7
    ) -> None:
        self.sb = sb
        self.state: ScenarioState | None = state if state is not None else getattr(sb, "scenario", None)
        self.spawn_every = spawn_every
        self.rng = random.Random(seed)
        self.ticks = 0
        self.errors = 0
        self.spawned: list[str] = []
        self._logs = sc.bulk_client(sb, "logs")
        self._cw = sc.bulk_client(sb, "cloudwatch")
        self._clients: dict[str, Any] = {}
        self._pending: dict[tuple[str, str], list[tuple[dt.datetime, str]]] = defaultdict(list)
        self._created_groups: set[str] = set()
        self._last_minute: dt.datetime | None = None
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

    def tick(self, now: dt.datetime | None = None) -> None:
        """One deterministic step (``now`` defaults to the wall clock)."""
        if self.state is None:
            return
        with self._lock:
            now = now or dt.datetime.now(dt.UTC)
            self.ticks += 1
            for key, run in list(self.state.runs.items()):
                try:
                    done = self._advance(run, now)
                except KeyError:  # the job was deleted under us (a test, a reset): stop driving it
                    done = True
                if done:
                    del self.state.runs[key]
            for name, ep in list(self.state.endpoints.items()):
                try:
                    self._endpoint(ep, now)
                except KeyError:
                    del self.state.endpoints[name]
            if self.spawn_every and self.ticks % self.spawn_every == 0:
                self._spawn(now)
            self._flush_logs()
            self._metrics(now)

    # ------------------------------------------------------------------ jobs

    def _advance(self, run: Run, now: dt.datetime) -> bool:
        """Move ``run`` one step; True when it has finished."""
        run.phase_ticks += 1
        if run.kind == "training" and run.phase in ("Starting", "Downloading"):
            if run.phase_ticks >= PHASE_TICKS[run.phase]:
                self._enter(run, "Downloading" if run.phase == "Starting" else "Training", now)
            return False
        if run.kind == "training" and run.phase == "Uploading":
            if run.phase_ticks >= PHASE_TICKS["Uploading"]:
                self._complete(run, now)
                return True
            return False
        run.step += 1
        self._job_lines(run, now)
        if run.step >= run.total_steps:
            if run.kind == "training":
                self._say(
                    run, now, f"{_stamp(now)} sagemaker-training-toolkit INFO     Reporting training SUCCESS"
                )
                self._enter(run, "Uploading", now)
                return False
            self._complete(run, now)
            return True
        return False

    def _enter(self, run: Run, phase: str, now: dt.datetime) -> None:
        messages = {
            "Downloading": "Downloading input data",
            "Training": "Training image download completed. Training in progress.",
            "Uploading": "Uploading generated training model",
        }
        transitions = list(fsm.get_fields("training", run.name).get("SecondaryStatusTransitions") or [])
        if transitions and "EndTime" not in transitions[-1]:
            transitions[-1] = {**transitions[-1], "EndTime": now}
        transitions.append({"Status": phase, "StartTime": now, "StatusMessage": messages[phase]})
        fields: dict[str, Any] = {"SecondaryStatus": phase, "SecondaryStatusTransitions": transitions}
        if phase == "Training":
            fields["TrainingStartTime"] = now
            epoch = int(now.timestamp())
            run.streams = [f"{run.name}/algo-{h}-{epoch}" for h in range(1, len(run.hosts) + 1)]
            self._ensure_group(run.group)
            for h, stream in enumerate(run.streams, start=1):
                self._logs.create_log_stream(logGroupName=run.group, logStreamName=stream)
                for t, line in sc.training_banner(
                    now - dt.timedelta(seconds=1),
                    f"algo-{h}",
                    len(run.hosts),
                    "sagemaker_pytorch_container.training:main",
                    "train.py",
                ):
                    self._pending[(run.group, stream)].append((t, line))
            self.state.streams[("training", run.name)] = list(run.streams)  # type: ignore[union-attr]
        run.phase, run.phase_ticks = phase, 0
        fsm.set_status("training", run.name, "InProgress", **fields)

    def _complete(self, run: Run, now: dt.datetime) -> None:
        if run.kind == "training":
            fields = fsm.get_fields("training", run.name)
            transitions = list(fields.get("SecondaryStatusTransitions") or [])
            if transitions and "EndTime" not in transitions[-1]:
                transitions[-1] = {**transitions[-1], "EndTime": now}
            transitions.append(
                {
                    "Status": "Completed",
                    "StartTime": now,
                    "EndTime": now,
                    "StatusMessage": "Training job completed",
                }
            )
            created = fields["CreationTime"].replace(tzinfo=dt.UTC)
            seconds = max(1, int((now - created).total_seconds()))
            metric = (
                ("train:loss", round(0.35 + self.rng.uniform(0, 0.1), 4))
                if run.style == "llm"
                else ("validation:auc", round(0.93 + self.rng.uniform(0, 0.02), 4))
            )
            fsm.set_status(
                "training",
                run.name,
                "Completed",
                SecondaryStatus="Completed",
                SecondaryStatusTransitions=transitions,
                TrainingEndTime=now,
                TrainingTimeInSeconds=seconds,
                BillableTimeInSeconds=seconds,
                FinalMetricDataList=[{"MetricName": metric[0], "Value": metric[1], "Timestamp": now}],
            )
        elif run.kind == "processing":
            self._say(run, now, f"Wrote results to s3://ml-team-artifacts/eval/{run.name}/results.json")
            fsm.set_status(
                "processing", run.name, "Completed", ProcessingEndTime=now, ExitMessage="Completed"
            )
        else:
            fsm.set_status("transform", run.name, "Completed", TransformEndTime=now)

    def _say(self, run: Run, now: dt.datetime, line: str, host: int = 0) -> None:
        if run.streams:
            self._pending[(run.group, run.streams[host])].append((now, line))

    def _job_lines(self, run: Run, now: dt.datetime) -> None:
        rng = self.rng
        if run.style == "llm":
            for h, stream in enumerate(run.streams, start=1):
                host = f"algo-{h}"
                line = (
                    sc.llm_step_line(run.step, run.total_steps, rng)
                    if h == 1
                    else sc.llm_worker_line(host, run.step, rng)
                )
                self._pending[(run.group, stream)].append((now, line))
                if h == 1 and run.step % 25 == 0:
                    self._pending[(run.group, stream)].append(
                        (
                            now,
                            f"\x1b[32mINFO\x1b[0m step {run.step}/{run.total_steps} checkpoint saved to "
                            f"/opt/ml/checkpoints/checkpoint-{run.step}",
                        )
                    )
                if h == 1 and run.step % 40 == 0:
                    self._pending[(run.group, stream)].append((now, "Evaluating: " + sc.tqdm_line(50)))
        elif run.style == "xgb":
            self._say(run, now, sc.xgb_round_line(run.step, rng))
        elif run.style == "eval":
            self._say(
                run,
                now,
                f"eval batch {run.step}/{run.total_steps} - exact_match: "
                f"{0.41 + 0.0004 * run.step:.4f} - rougeL: {0.37 + 0.0003 * run.step:.4f}",
            )
        else:  # embed (transform)
            self._say(run, now, sc.access_line(now, "/invocations", 200, rng))
            if run.step % 3 == 0 and run.data_logs:
                self._pending[(run.group, run.data_logs[0])].append(
                    (
                        now,
                        f"[sagemaker logs]: s3://ml-team-data/{run.name}/input/docs-{run.step:05d}.jsonl: "
                        "Finished processing",
                    )
                )

    def _spawn(self, now: dt.datetime) -> None:
        assert self.state is not None
        who = ("alice", "bob", "ci")[len(self.spawned) % 3]
        k = len(self.spawned) // 3
        if who == "alice":
            name, instance, image, style, steps = (
                f"llama3-lora-sweep-{k + 1:03d}",
                "ml.g5.12xlarge",
                "hf",
                "llm",
                120,
            )
        elif who == "bob":
            name, instance, image, style, steps = (
                f"xgb-churn-tuning-{k + 4:03d}",
                "ml.m5.xlarge",
                "xgb",
                "xgb",
                60,
            )
        else:
            name = f"ci-smoke-{self.rng.getrandbits(28):07x}"
            instance, image, style, steps = "ml.m5.large", "xgb", "xgb", 30
        client = self._client(who)
        client.create_training_job(
            TrainingJobName=name,
            RoleArn=sc.ROLE_ARN,
            HyperParameters={"epochs": "1", "seed": str(k)},
            AlgorithmSpecification={"TrainingImage": sc.IMAGES[image], "TrainingInputMode": "File"},
            OutputDataConfig={"S3OutputPath": "s3://ml-team-artifacts/models/"},
            ResourceConfig={"InstanceType": instance, "InstanceCount": 1, "VolumeSizeInGB": 50},
            StoppingCondition={"MaxRuntimeInSeconds": 7200},
            Tags=[{"Key": "owner", "Value": who}],
        )
        fsm.set_status(
            "training",
            name,
            "InProgress",
            SecondaryStatus="Starting",
            TrainingStartTime=None,
            FinalMetricDataList=None,
            ModelArtifacts=None,
            CreationTime=now,
            LastModifiedTime=now,
            SecondaryStatusTransitions=[
                {
                    "Status": "Starting",
                    "StartTime": now,
                    "StatusMessage": "Preparing the instances for training",
                }
            ],
        )
        self.state.runs[("training", name)] = Run(
            "training",
            name,
            sc.TRAINING_GROUP,
            [],
            [f"{name}/algo-1"],
            "/aws/sagemaker/TrainingJobs",
            style,
            step=0,
            total_steps=steps,
            phase="Starting",
            gpu=style == "llm",
        )
        self.spawned.append(name)

    def _client(self, who: str) -> Any:
        if who not in self._clients:
            creds = self.state.identities.get(who, {}) if self.state else {}
            self._clients[who] = self.sb.boto3_client("sagemaker", **creds)
        return self._clients[who]

    # ------------------------------------------------------------------ endpoints

    def _endpoint(self, ep: LiveEndpoint, now: dt.datetime) -> None:
        group = sc.endpoint_group(ep.name)
        if ep.ticks_to_in_service > 0:
            ep.ticks_to_in_service -= 1
            if ep.ticks_to_in_service:
                return
            variants = []
            for variant, instances in ep.variants.items():
                variants.append(
                    {
                        "VariantName": variant,
                        "CurrentWeight": 1.0,
                        "DesiredWeight": 1.0,
                        "CurrentInstanceCount": len(instances),
                        "DesiredInstanceCount": len(instances),
                    }
                )
                for inst in instances:
                    stream = f"{variant}/{inst}"
                    self._ensure_group(group)
                    self._logs.create_log_stream(logGroupName=group, logStreamName=stream)
                    ep.streams[inst] = stream
                    self._pending[(group, stream)] += [
                        (
                            now,
                            "Warning: TorchServe is using non-default JVM parameters: -XX:+UseContainerSupport",
                        ),
                        (
                            now,
                            f"{now:%Y-%m-%dT%H:%M:%S},512 [INFO ] main org.pytorch.serve.ModelServer - "
                            "Torch worker started.",
                        ),
                        (now, sc.access_line(now, "/ping", 200, self.rng)),
                    ]
            fsm.set_status("endpoint", ep.name, "InService", ProductionVariants=variants)
            if self.state is not None:
                self.state.streams[("endpoint", ep.name)] = list(ep.streams.values())
            return
        if not ep.streams:
            return
        status = fsm.get(_ENDPOINT, ep.name).endpoint_status if ep.name in fsm.backend().endpoints else None
        if status != "InService":
            return
        rng = self.rng
        for inst, stream in ep.streams.items():
            if self.ticks % PING_EVERY == 0:
                self._pending[(group, stream)].append((now, sc.access_line(now, "/ping", 200, rng)))
            if rng.random() < 0.5:
                code = 200 if rng.random() > 0.03 else rng.choice((400, 500))
                self._pending[(group, stream)].append((now, sc.access_line(now, "/invocations", code, rng)))
                if code == 500:
                    self._pending[(group, stream)].append(
                        (
                            now,
                            json.dumps(
                                {
                                    "level": "error",
                                    "latency": rng.randint(900, 3000),
                                    "msg": "XGBoostError: feature_names mismatch",
                                }
                            ),
                        )
                    )
            data_log = ep.data_log_streams.get(inst)
            if data_log and self.ticks % 3 == 0:
                self._pending[(group, data_log)].append(
                    (
                        now,
                        json.dumps(
                            {
                                "level": "info",
                                "inferenceId": f"{rng.getrandbits(64):016x}",
                                "message": "Inference request succeeded.",
                                "latency": rng.randint(1200, 6000),
                            }
                        ),
                    )
                )

    # ------------------------------------------------------------------ output

    def _ensure_group(self, group: str) -> None:
        if group in self._created_groups:
            return
        try:
            self._logs.create_log_group(logGroupName=group)
        except self._logs.exceptions.ResourceAlreadyExistsException:
            pass
        self._created_groups.add(group)

    def _flush_logs(self) -> None:
        pending, self._pending = self._pending, defaultdict(list)
        for (group, stream), events in pending.items():
            if events:
                sc.put_events(self._logs, group, stream, events)

    def _metrics(self, now: dt.datetime) -> None:
        minute = now.replace(second=0, microsecond=0)
        if self._last_minute == minute or self.state is None:
            return
        self._last_minute = minute
        rng = self.rng
        data: dict[str, list[dict[str, Any]]] = defaultdict(list)

        def put(ns: str, name: str, dims: dict[str, str], value: float, unit: str) -> None:
            data[ns].append(
                {
                    "MetricName": name,
                    "Dimensions": [{"Name": k, "Value": v} for k, v in dims.items()],
                    "Timestamp": minute,
                    "Value": round(value, 3),
                    "Unit": unit,
                }
            )

        for run in self.state.runs.values():
            if run.kind == "training" and run.phase != "Training":
                continue
            for host in run.hosts:
                dims = {"Host": host}
                put(run.namespace, "CPUUtilization", dims, rng.uniform(300, 450), "Percent")
                put(run.namespace, "MemoryUtilization", dims, rng.uniform(55, 70), "Percent")
                if run.kind != "transform":
                    put(run.namespace, "DiskUtilization", dims, rng.uniform(30, 33), "Percent")
                if run.gpu:
                    put(run.namespace, "GPUUtilization", dims, rng.uniform(600, 780), "Percent")
                    put(run.namespace, "GPUMemoryUtilization", dims, rng.uniform(540, 600), "Percent")
        for ep in self.state.endpoints.values():
            if not ep.streams:
                continue
            for variant, instances in ep.variants.items():
                dims = {"EndpointName": ep.name, "VariantName": variant}
                put("AWS/SageMaker", "Invocations", dims, rng.uniform(20, 60) * len(instances), "None")
                put("AWS/SageMaker", "ModelLatency", dims, rng.uniform(3000, 7000), "Microseconds")
                put("AWS/SageMaker", "OverheadLatency", dims, rng.uniform(1500, 2700), "Microseconds")
                put("AWS/SageMaker", "Invocation4XXErrors", dims, float(rng.random() < 0.2), "None")
                put("AWS/SageMaker", "Invocation5XXErrors", dims, float(rng.random() < 0.05), "None")
                put(
                    "/aws/sagemaker/Endpoints",
                    "CPUUtilization",
                    dims,
                    rng.uniform(25, 45) * len(instances),
                    "Percent",
                )
                put("/aws/sagemaker/Endpoints", "MemoryUtilization", dims, rng.uniform(44, 52), "Percent")
                put("/aws/sagemaker/Endpoints", "DiskUtilization", dims, rng.uniform(21, 23), "Percent")
        for ns, items in data.items():
            for i in range(0, len(items), 1000):
                self._cw.put_metric_data(Namespace=ns, MetricData=items[i : i + 1000])


_ENDPOINT = "endpoint"


def _stamp(t: dt.datetime) -> str:
    return t.strftime("%Y-%m-%d %H:%M:%S,") + f"{t.microsecond // 1000:03d}"


def start(sb: Any, interval: float = 1.0) -> ScenarioDriver:
    """Start driving ``sb``'s scenario (called by :meth:`Sandbox.start` when its driver is enabled)."""
    return ScenarioDriver(sb).start(interval)


__all__ = ["PHASE_TICKS", "ScenarioDriver", "start"]

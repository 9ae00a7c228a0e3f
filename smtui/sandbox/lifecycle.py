"""Resource lifecycles: jobs and endpoints made by any client run, log and end as on SageMaker, on the
sandbox's compressed clock (:mod:`smtui.sandbox.clock`).

Each tracked resource has a *plan*, the timeline of its statuses ahead (a training job: Starting,
Downloading, Training, Uploading, then Completed or Failed), from AWS's usual durations divided by the
clock's scale. :meth:`Engine.pump` applies every step that is due, at the step's planned time (so
SecondaryStatusTransitions, TrainingStartTime and billable seconds are exact however late the pump runs),
writes the containers' log lines up to now (one stream per instance, named as the developer guide's table
says, created when the container starts) and one metric datapoint per host and minute. The middleware pumps
the engine of a region before it serves each request there, so a client always sees the world as of the
moment it asks; nothing runs in between.

Stop calls cut a plan short (Stopping, then Stopped), UpdateEndpoint and DeleteEndpoint append Updating or
Deleting. A resource whose fields are set by hand (:func:`fidelity_sagemaker.set_fields`, as tests do) is
released: its fields are then the caller's alone.

There is one engine per account and region (:func:`engine_for`), made by a Sandbox whose driver is on.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from dataclasses import dataclass, field
from typing import Any

from smtui.sandbox import instances, kinds
from smtui.sandbox.clock import Clock
from smtui.sandbox.endpoint_life import EndpointLife
from smtui.sandbox.joblogs import JobScript
from smtui.sandbox.output import Output
from smtui.sandbox.timeline import TERMINAL, Step, job_fields, utc

log = logging.getLogger(__name__)

#: AWS's usual durations in seconds, per kind: (phase, seconds, status message)
PHASES: dict[str, tuple[tuple[str, float, str], ...]] = {
    "training": (
        ("Starting", 150, "Preparing the instances for training"),
        ("Downloading", 60, "Downloading input data"),
        ("Training", 600, "Training image download completed. Training in progress."),
        ("Uploading", 45, "Uploading generated training model"),
    ),
    "processing": (
        ("Starting", 120, "Preparing the instances for processing"),
        ("Downloading", 30, "Downloading input data"),
        ("Processing", 300, "Processing"),
        ("Uploading", 30, "Uploading output data"),
    ),
    "transform": (
        ("Starting", 180, "Launching instances for the transform job"),
        ("Transforming", 300, "Transforming"),
        ("Uploading", 30, "Uploading output data"),
    ),
}
WORK = {"training": "Training", "processing": "Processing", "transform": "Transforming"}
STOPPING_SECONDS = 30
FINAL_MESSAGES = {
    "Completed": "Training job completed",
    "Failed": "Training job failed",
    "Stopping": "Stopping the training job",
    "Stopped": "Training job stopped",
}
#: how often (sandbox seconds) a working host prints a line
LINE_INTERVAL = 1.0
#: the most history a pump writes when it has not run for long (older lines are skipped, not statuses)
CATCH_UP = 900.0


def work_seconds(kind: str) -> float:
    """How long a ``kind`` job works on AWS, by default (seconds)."""
    return next(seconds for phase, seconds, _ in PHASES[kind] if phase == WORK[kind])


def plan(
    kind: str, start: float, clock: Clock, *, work: float | None = None, fail: bool = False
) -> list[Step]:
    """The steps of a job created at ``start``: its phases (the work phase ``work`` AWS seconds long), then
    Completed, or Failed where the work phase ends."""
    steps, t = [], start
    for status, seconds, message in PHASES[kind]:
        if status == WORK[kind] and work is not None:
            seconds = work
        steps.append(Step(status, t, message))
        t += clock.compress(seconds)
        if fail and status == WORK[kind]:
            return [*steps, Step("Failed", t, FINAL_MESSAGES["Failed"])]
    return [*steps, Step("Completed", t, FINAL_MESSAGES["Completed"])]


@dataclass
class JobLife:
    """A job the engine runs. ``hosts`` are the stream labels (``algo-N``, or a transform's instance ids)."""

    kind: str
    name: str
    instance_type: str
    hosts: list[str]
    steps: list[Step]
    script: JobScript
    spot: bool = False
    interval: float = LINE_INTERVAL
    applied: int = 0
    streams: dict[int, str] = field(default_factory=dict)  # host index (1-based) -> stream
    step_no: int = 0  # the work steps written so far
    written: float = 0.0  # lines are written up to here
    minute: int = 0  # the last minute with metrics
    released: bool = False

    @property
    def group(self) -> str:
        return kinds.log_group(self.kind, self.name)

    @property
    def status(self) -> str:
        return self.steps[self.applied - 1].status if self.applied else ""

    def metric_host(self, i: int) -> str:
        return f"{self.name}/{self.hosts[i - 1]}"

    def stream_name(self, i: int, epoch: int) -> str:
        return f"{self.name}/{self.hosts[i - 1]}-{epoch}"


class Engine:
    """The lifecycles of one account and region."""

    def __init__(self, account_id: str, region: str, clock: Clock) -> None:
        self.account_id = account_id
        self.region = region
        self.clock = clock
        self.out = Output(account_id, region)
        self.jobs: dict[tuple[str, str], JobLife] = {}
        self.endpoints: dict[str, EndpointLife] = {}
        self.errors = 0
        self._lock = threading.RLock()

    # ------------------------------------------------------------------ tracking

    def add_job(self, life: JobLife) -> JobLife:
        with self._lock:
            self.jobs[(life.kind, life.name)] = life
            self._pump_job(life, self.clock.time())
        return life

    def add_endpoint(self, life: EndpointLife) -> EndpointLife:
        with self._lock:
            self.endpoints[life.name] = life
            life.pump(self.out, self.clock.time())
        return life

    def release(self, kind: str, name: str) -> None:
        """Stop running ``name``: its fields are set by hand from now on."""
        with self._lock:
            if kind == "endpoint":
                self.endpoints.pop(name, None)
            else:
                life = self.jobs.pop((kind, name), None)
                if life is not None:
                    life.released = True

    def job(self, kind: str, name: str) -> JobLife | None:
        return self.jobs.get((kind, name))

    # ------------------------------------------------------------------ calls

    def stop_job(self, kind: str, name: str) -> bool:
        """StopXJob: Stopping now, Stopped after AWS's half minute. False when the job is not running here."""
        with self._lock:
            life = self.jobs.get((kind, name))
            if life is None:
                return False
            now = self.clock.time()
            self._pump_job(life, now)
            life.steps = life.steps[: life.applied] + [
                Step("Stopping", now, FINAL_MESSAGES["Stopping"]),
                Step("Stopped", now + self.clock.compress(STOPPING_SECONDS), FINAL_MESSAGES["Stopped"]),
            ]
            self._pump_job(life, now)
            return True

    # ------------------------------------------------------------------ the pump

    def pump(self) -> None:
        """Bring every tracked resource to now."""
        now = self.clock.time()
        with self._lock:
            for key, life in list(self.jobs.items()):
                try:
                    if self._pump_job(life, now):
                        self.jobs.pop(key, None)
                except KeyError:  # deleted under us (a test's cleanup)
                    self.jobs.pop(key, None)
                except Exception:
                    self.errors += 1
                    log.exception("lifecycle of %s %s failed", *key)
                    self.jobs.pop(key, None)
            for name, ep in list(self.endpoints.items()):
                try:
                    if ep.pump(self.out, now):
                        self.endpoints.pop(name, None)
                except KeyError:
                    self.endpoints.pop(name, None)
                except Exception:
                    self.errors += 1
                    log.exception("lifecycle of endpoint %s failed", name)
                    self.endpoints.pop(name, None)

    def _pump_job(self, life: JobLife, now: float) -> bool:
        """Apply due steps and write due lines; True when the job has ended."""
        from smtui.sandbox import sagemaker_state as fsm

        while life.applied < len(life.steps) and life.steps[life.applied].at <= now:
            step = life.steps[life.applied]
            self._lines(life, step.at)  # what the hosts printed before this step
            life.applied += 1
            fsm.apply_fields(life.kind, life.name, self.account_id, self.region, **self._fields(life, step))
            self._enter(life, step)
        if life.status == WORK[life.kind]:
            self._lines(life, now)
            self._metrics(life, now)
        return life.status in TERMINAL

    def _fields(self, life: JobLife, step: Step) -> dict[str, Any]:
        applied = life.steps[: life.applied]
        return job_fields(
            life.kind,
            applied,
            metrics=life.script.final_metrics() if step.status == "Completed" else (),
            failure=life.script.failure_reason() if step.status == "Failed" else "",
            exit_message=life.script.error if step.status == "Failed" else None,
            spot=life.spot,
        )

    def _enter(self, life: JobLife, step: Step) -> None:
        """The containers start with the work phase and print their last words when the job ends."""
        t = utc(step.at)
        if step.status == WORK[life.kind]:
            epoch = int(step.at)
            for i in range(1, len(life.hosts) + 1):
                life.streams[i] = life.stream_name(i, epoch)
                self.out.stream(life.group, life.streams[i])
                if life.kind == "transform":
                    self.out.stream(life.group, life.streams[i] + "/data-log")
                self.out.put(life.group, life.streams[i], life.script.start(t, i))
            life.written = step.at
        elif step.status in TERMINAL or step.status == "Stopping":
            outcome = "Stopped" if step.status == "Stopping" else step.status
            for i, stream in life.streams.items():
                self.out.put(life.group, stream, life.script.finish(t, i, outcome))

    def _lines(self, life: JobLife, until: float) -> None:
        if life.status != WORK[life.kind] or not life.streams:
            return
        start = max(life.written, until - CATCH_UP)
        n = int((until - life.written) // life.interval)
        skip = int((start - life.written) // life.interval)
        if n <= 0:
            return
        pending: dict[str, list[tuple[dt.datetime, str]]] = {}
        for k in range(skip + 1, n + 1):
            no = life.step_no + k
            if life.script.total_steps and no > life.script.total_steps:
                break
            t = utc(life.written + k * life.interval)
            for i, stream in life.streams.items():
                pending.setdefault(stream, []).extend(life.script.step(t, i, no))
                if life.kind == "transform":
                    pending.setdefault(stream + "/data-log", []).extend(life.script.data_log(t, i, no))
        life.step_no += n
        life.written += n * life.interval
        for stream, events in pending.items():
            self.out.put(life.group, stream, events)

    def _metrics(self, life: JobLife, now: float) -> None:
        minute = int(now // 60)
        if minute == life.minute:
            return
        life.minute = minute
        import random

        when = utc(minute * 60.0)
        namespace = kinds.KINDS[life.kind].metrics_namespace
        data = []
        for i in range(1, len(life.hosts) + 1):
            rng = random.Random(f"{life.name}/{i}/{minute}")
            for name, value in instances.utilization(life.instance_type, rng).items():
                if life.kind == "transform" and name == "DiskUtilization":
                    continue
                data.append((namespace, name, {"Host": life.metric_host(i)}, when, value, "Percent"))
        self.out.metrics(data)


# ---------------------------------------------------------------------- one engine per account and region
_engines: dict[tuple[str, str], Engine] = {}
_engines_lock = threading.Lock()


def engine_for(account_id: str, region: str) -> Engine | None:
    return _engines.get((account_id, region))


def install(account_id: str, region: str, clock: Clock, engine: Engine | None = None) -> Engine:
    """Run the lifecycles of ``region``: ``engine`` again, else the one already running there (a second
    sandbox of the region shares it and its clock), else a new one."""
    with _engines_lock:
        found = _engines.get((account_id, region))
        if found is None:
            found = _engines[(account_id, region)] = engine or Engine(account_id, region, clock)
        return found


def uninstall(account_id: str, region: str) -> None:
    with _engines_lock:
        _engines.pop((account_id, region), None)

"""What a running job's containers print, by the container its image names (:mod:`containers` has the
formats): a banner when the container starts, a line per step while it works, and how it ends.

Every line is a function of the job, the host and the step, so a job's log is the same however often and
however late the sandbox writes it.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from smtui.sandbox import containers as ct

Line = ct.Line


@dataclass
class JobScript:
    """The log of one job: ``kind`` training | processing | transform, ``style`` the container's family."""

    kind: str
    name: str
    image: str
    hosts: int
    entry: str = "train.py"
    total_steps: int = 0  # 0: as many as the work phase lasts
    error: str = ""  # the error the script dies of, when it is to fail
    style: str = field(default="")

    def __post_init__(self) -> None:
        if not self.style:
            fam = ct.family(self.image)
            self.style = {"huggingface": "llm", "pytorch": "llm", "tgi": "llm"}.get(fam, fam)

    def _rng(self, host: int, step: int) -> random.Random:
        return random.Random(f"{self.name}/{host}/{step}")

    @property
    def command(self) -> str:
        return f"/opt/conda/bin/python3.10 {self.entry}"

    # ------------------------------------------------------------------ phases

    def start(self, t: dt.datetime, host: int) -> list[Line]:
        """What host ``host`` (1-based) prints when its container starts."""
        if self.kind == "transform":
            return ct.serving_banner(self.image, t, self.name)
        if self.kind == "processing":
            return ct.processing_banner(t, f"s3://ml-team-data/{self.name}/input/")
        if self.style == "xgboost":
            return ct.xgb_banner(t)
        framework = {
            "llm": "sagemaker_pytorch_container.training:main",
            "sklearn": "sagemaker_sklearn_container.training:main",
        }.get(self.style, "sagemaker_training_toolkit")
        lines = ct.training_banner(t, f"algo-{host}", self.hosts, framework, self.entry)
        if self.hosts > 1:
            lines += ct.nccl_lines(t + dt.timedelta(seconds=1), f"algo-{host}", host)
        return lines

    def step(self, t: dt.datetime, host: int, step: int) -> list[Line]:
        """What host ``host`` prints at step ``step`` (1-based) of its work."""
        rng = self._rng(host, step)
        total = self.total_steps or 1000
        if self.kind == "transform":
            return [(t, ct.serving_access(self.image, t, "/invocations", 200, rng))]
        if self.kind == "processing":
            if self.style == "llm":
                return [
                    (
                        t,
                        f"eval batch {step}/{total} - exact_match: {0.41 + 0.0004 * step:.4f} - "
                        f"rougeL: {0.37 + 0.0003 * step:.4f}",
                    )
                ]
            return [(t, f"Processed shard {step:05d}: {rng.randint(20_000, 40_000)} rows")]
        if self.style == "xgboost":
            return [(t, ct.xgb_round_line(step - 1, rng))] if host == 1 else []
        if self.style == "llm":
            if host > 1:
                return [(t, ct.worker_line(f"algo-{host}", step, rng))]
            lines = [(t, ct.hf_step_line(step, total, rng))]
            if step % 25 == 0:
                lines.append(
                    (
                        t,
                        ct._toolkit(
                            t,
                            "INFO",
                            f"step {step}/{total} checkpoint saved to /opt/ml/checkpoints/checkpoint-{step}",
                            logger="transformers.trainer",
                        ),
                    )
                )
            if step % 50 == 0:
                lines.append(
                    (
                        t,
                        ct._toolkit(
                            t,
                            "WARNING",
                            f"step {step}: gradient overflow, skipping step, reducing loss scale to 32768.0",
                            logger="deepspeed",
                        ),
                    )
                )
            return lines
        return [(t, f"epoch {step} - loss: {0.69 * 0.97**step:.4f} - val_loss: {0.72 * 0.97**step:.4f}")]

    def data_log(self, t: dt.datetime, host: int, step: int) -> list[Line]:
        """A transform job's ``/data-log`` stream: one line per input object finished."""
        if self.kind != "transform":
            return []
        if step == 1:
            return [ct.transform_data_log_start(t, 4, 6, "MultiRecord")]
        if step % 3:
            return []
        return [ct.transform_data_log(t, f"s3://ml-team-data/{self.name}/input/part-{step // 3:05d}.jsonl")]

    def finish(self, t: dt.datetime, host: int, outcome: str) -> list[Line]:
        """What host ``host`` prints as the job ends (``Completed``, ``Failed`` or ``Stopped``)."""
        if outcome == "Stopped":
            return [(t, "Received SIGTERM: stopping (the job was stopped)")]
        if self.kind == "transform":
            return []
        if self.kind == "processing":
            if outcome == "Failed":
                return [(t, ct.script_traceback(self.entry, self.error))]
            return [(t, f"Wrote results to s3://ml-team-artifacts/{self.name}/output/")]
        if outcome == "Failed":
            if host != 1:
                return []
            return [
                (t, ct.script_traceback(self.entry, self.error)),
                *ct.training_failure(t, self.error, self.command),
            ]
        lines = [(t, "Saving model checkpoint to /opt/ml/model")] if self.style == "llm" and host == 1 else []
        return lines + ct.training_success(t)

    def final_metrics(self) -> list[tuple[str, float]]:
        rng = self._rng(0, 0)
        if self.style == "xgboost":
            return [
                ("train:auc", round(0.95 + rng.uniform(0, 0.02), 4)),
                ("validation:auc", round(0.93 + rng.uniform(0, 0.02), 4)),
            ]
        return [("train:loss", round(0.35 + rng.uniform(0, 0.1), 4))]

    def failure_reason(self) -> str:
        if self.kind == "training":
            return ct.failure_reason(self.error, self.command)
        return f"AlgorithmError: See job logs for more information: {self.error}"

"""What SageMaker's containers write to CloudWatch, line by line, in their own formats.

The seed and the lifecycles both write these, so a job or endpoint made by any client logs like the real
container its image names: the SageMaker training toolkit (``2026-11-27 22:01:00,123
sagemaker-training-toolkit INFO     ...``), the XGBoost container (``[2026-11-27:22:01:00:INFO] ...`` and
``[12]#011train-auc:...``), Hugging Face Trainer dicts, NCCL, gunicorn's and nginx's access lines for the
serving containers (health checks from ``169.254.178.2`` with user agent ``AHC/2.0``), TorchServe's
``[INFO ] ... ACCESS_LOG`` lines and text-generation-inference's launcher and router. Levels are upper case,
as those programs write them.
"""

from __future__ import annotations

import datetime as dt
import json
import random

Line = tuple[dt.datetime, str]

#: where SageMaker's health checks and invocations reach a serving container from
PLATFORM_IP = "169.254.178.2"


def toolkit_stamp(t: dt.datetime) -> str:
    """The training toolkit's (Python logging's) time: ``2026-11-27 22:01:00,123``."""
    return t.strftime("%Y-%m-%d %H:%M:%S,") + f"{t.microsecond // 1000:03d}"


def xgb_stamp(t: dt.datetime) -> str:
    """The XGBoost container's time: ``2026-11-27:22:01:00``."""
    return t.strftime("%Y-%m-%d:%H:%M:%S")


def _toolkit(t: dt.datetime, level: str, message: str, logger: str = "sagemaker-training-toolkit") -> str:
    return f"{toolkit_stamp(t)} {logger} {level:<8} {message}"


def family(image: str) -> str:
    """Which container an image is: xgboost, sklearn, huggingface, tgi, pytorch or generic."""
    repo = image.rsplit("/", 1)[-1].split(":", 1)[0].split("@", 1)[0]
    for name in ("xgboost", "scikit-learn", "tgi", "huggingface", "pytorch"):
        if name in repo:
            return {"scikit-learn": "sklearn"}.get(name, name)
    return "generic"


# --------------------------------------------------------------------------- training


def training_banner(t: dt.datetime, host: str, hosts: int, framework: str, entry: str) -> list[Line]:
    """The training toolkit starting the user's script on ``host`` (of ``hosts``)."""
    lines = [
        "bash: cannot set terminal process group (-1): Inappropriate ioctl for device",
        "bash: no job control in this shell",
        _toolkit(t, "INFO", f"Imported framework {framework}"),
        _toolkit(t, "INFO", "No Neurons detected (normal if no neurons installed)"),
        _toolkit(t, "INFO", "Invoking user script"),
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


def training_success(t: dt.datetime) -> list[Line]:
    return [
        (t, _toolkit(t, "INFO", "Waiting for the process to finish and give a return code.")),
        (t, _toolkit(t, "INFO", "Done waiting for a return code. Received 0 from exiting process.")),
        (t, _toolkit(t, "INFO", "Reporting training SUCCESS")),
    ]


def training_failure(t: dt.datetime, error: str, command: str) -> list[Line]:
    """The toolkit reporting a script that exited 1 with ``error`` (its last line of stderr)."""
    return [
        (t, _toolkit(t, "INFO", "Waiting for the process to finish and give a return code.")),
        (t, _toolkit(t, "INFO", "Done waiting for a return code. Received 1 from exiting process.")),
        (t, _toolkit(t, "ERROR", "Reporting training FAILURE")),
        (
            t,
            _toolkit(t, "ERROR", "ExecuteUserScriptError:")
            + f'\nExitCode 1\nErrorMessage "{error}"\nCommand "{command}", exit code: 1',
        ),
    ]


def failure_reason(error: str, command: str) -> str:
    """The FailureReason SageMaker gives a training job whose script failed with ``error``."""
    return f'AlgorithmError: ExecuteUserScriptError:\nExitCode 1\nErrorMessage "{error}"\nCommand "{command}", exit code: 1'


def nccl_lines(t: dt.datetime, host: str, h: int) -> list[Line]:
    pid = 130 + h
    return [
        (t, f"{host}:{pid}:{pid} [0] NCCL INFO Bootstrap : Using eth0:10.0.{h}.23<0>"),
        (t, f"{host}:{pid}:{pid} [0] NCCL INFO NET/OFI Selected Provider is efa"),
    ]


def tqdm_line(total: int, width: int = 10, steps: int = 10) -> str:
    """A tqdm bar as it reaches CloudWatch: every refresh in one event, separated by carriage returns."""
    parts = []
    for k in range(steps + 1):
        done = total * k // steps
        bar = "#" * (width * k // steps)
        parts.append(f"{100 * k // steps:3d}%|{bar:<{width}}| {done}/{total}")
    return "\r".join(parts)


def hf_step_line(step: int, total: int, rng: random.Random) -> str:
    """A Hugging Face Trainer log line."""
    loss = max(0.35, 2.4 * (0.9985**step) + rng.uniform(-0.05, 0.05))
    return (
        f"{{'loss': {loss:.4f}, 'grad_norm': {rng.uniform(0.3, 1.4):.3f}, "
        f"'learning_rate': {2e-5 * (1 - step / max(total, 1)):.3e}, 'epoch': {3 * step / max(total, 1):.2f}}}"
    )


def worker_line(host: str, step: int, rng: random.Random) -> str:
    """What a non-zero rank of a distributed job prints per step."""
    return (
        f"[{host}] step {step} throughput {rng.uniform(140, 165):.1f} samples/s "
        f"mem {rng.uniform(58, 66):.1f}GB nccl_allreduce {rng.uniform(8, 14):.1f}ms"
    )


def xgb_banner(t: dt.datetime, rows: int = 120_000, cols: int = 21) -> list[Line]:
    tag = f"[{xgb_stamp(t)}:INFO]"
    return [
        (t, f"{tag} Imported framework sagemaker_xgboost_container.training"),
        (t, f"{tag} Failed to parse hyperparameter objective value binary:logistic to Json."),
        (t, f"{tag} No GPUs detected (normal if no gpus installed)"),
        (t, f"{tag} Running XGBoost Sagemaker in algorithm mode"),
        (t, f"{tag} Determined 0 GPU(s) available on the instance."),
        (t, f"{tag} Determined delimiter of CSV input is ','"),
        (t, f"{tag} files path: /opt/ml/input/data/train"),
        (t, f"{tag} Single node training."),
        (t, f"{tag} Train matrix has {rows} rows and {cols} columns"),
    ]


def xgb_round_line(i: int, rng: random.Random) -> str:
    """One boosting round, as XGBoost prints it (``#011`` is the tab CloudWatch escapes)."""
    return (
        f"[{i}]#011train-auc:{min(0.999, 0.80 + 0.002 * i + rng.uniform(0, 0.004)):.5f}"
        f"#011validation-auc:{min(0.99, 0.78 + 0.0018 * i + rng.uniform(0, 0.004)):.5f}"
    )


OOM_ERROR = (
    "torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB (GPU 0; 15.77 GiB total "
    "capacity; 13.91 GiB already allocated; 1.12 GiB free)"
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


def script_traceback(entry: str, error: str) -> str:
    """A user script's traceback ending in ``error`` (``Type: message``)."""
    return (
        "Traceback (most recent call last):\n"
        f'  File "/opt/ml/code/{entry}", line 212, in <module>\n    main()\n'
        f'  File "/opt/ml/code/{entry}", line 187, in main\n    trainer.train()\n{error}'
    )


# --------------------------------------------------------------------------- processing and transform


def processing_banner(t: dt.datetime, inputs: str) -> list[Line]:
    return [
        (t, f"Reading input data from {inputs}"),
        (t + dt.timedelta(seconds=1), "Loaded 1204551 rows, 38 columns"),
    ]


def transform_data_log_start(t: dt.datetime, concurrency: int, payload_mb: int, strategy: str) -> Line:
    return (
        t,
        f"[sagemaker logs]: MaxConcurrentTransforms={concurrency}, MaxPayloadInMB={payload_mb}, "
        f"BatchStrategy={strategy.upper().replace('RECORD', '_RECORD')}",
    )


def transform_data_log(t: dt.datetime, s3_object: str) -> Line:
    return (t, f"[sagemaker logs]: {s3_object}: Finished processing")


# --------------------------------------------------------------------------- serving


def access_line(t: dt.datetime, path: str, status: int, rng: random.Random) -> str:
    """nginx's access line in a SageMaker serving container (XGBoost, scikit-learn, PyTorch's MMS)."""
    verb = "GET" if path == "/ping" else "POST"
    size = 0 if path == "/ping" else rng.randint(80, 400)
    return (
        f'{PLATFORM_IP} - - [{t.strftime("%d/%b/%Y:%H:%M:%S +0000")}] "{verb} {path} HTTP/1.1" '
        f'{status} {size} "-" "AHC/2.0"'
    )


def gunicorn_banner(t: dt.datetime, model: str, workers: int = 2) -> list[Line]:
    stamp = t.strftime("[%Y-%m-%d %H:%M:%S +0000]")
    lines = [
        f"{stamp} [21] [INFO] Starting gunicorn 21.2.0",
        f"{stamp} [21] [INFO] Listening at: unix:/tmp/gunicorn.sock (21)",
        f"{stamp} [21] [INFO] Using worker: gevent",
        *(f"{stamp} [{25 + w}] [INFO] Booting worker with pid: {25 + w}" for w in range(workers)),
        f"[{xgb_stamp(t)}:INFO] No GPUs detected (normal if no gpus installed)",
        f"[{xgb_stamp(t)}:INFO] Loading the model from /opt/ml/model/{model}",
        f"[{xgb_stamp(t)}:INFO] Model objective : binary:logistic",
    ]
    return [(t, line) for line in lines]


XGB_FEATURE_MISMATCH = "xgboost.core.XGBoostError: feature_names mismatch: expected 21 columns, got 19"


def xgb_serving_error(t: dt.datetime, error: str = XGB_FEATURE_MISMATCH) -> list[Line]:
    """A scoring request the XGBoost container rejects (by default: the caller sent the wrong columns)."""
    tag = f"[{xgb_stamp(t)}:ERROR]"
    return [
        (
            t,
            f"{tag} Exception on /invocations [POST]\nTraceback (most recent call last):\n"
            '  File "/miniconda3/lib/python3.9/site-packages/sagemaker_xgboost_container/algorithm_mode/'
            'serve.py", line 231, in invocations\n    preds = ScoringService.predict(data=dtest, '
            f"content_type=content_type)\n{error}",
        ),
    ]


def torchserve_banner(t: dt.datetime, model: str = "model") -> list[Line]:
    def ts(level: str, thread: str, message: str) -> str:
        return (
            f"{t.strftime('%Y-%m-%dT%H:%M:%S')},{t.microsecond // 1000:03d} [{level:<5}] {thread} {message}"
        )

    return [
        (t, "Warning: TorchServe is using non-default JVM parameters: -XX:+UseContainerSupport"),
        (
            t,
            ts(
                "INFO",
                "main",
                "org.pytorch.serve.servingsdk.impl.PluginsManager - Initializing plugins manager...",
            ),
        ),
        (t, ts("INFO", "main", "org.pytorch.serve.ModelServer - Torchserve version: 0.11.0")),
        (t, ts("INFO", "main", f"org.pytorch.serve.wlm.ModelManager - Model {model} loaded.")),
        (t, ts("INFO", f"W-9000-{model}_1.0-stdout", "MODEL_LOG - Torch worker started.")),
    ]


def torchserve_access(t: dt.datetime, path: str, status: int, rng: random.Random) -> str:
    verb = "GET" if path == "/ping" else "POST"
    return (
        f"{t.strftime('%Y-%m-%dT%H:%M:%S')},{t.microsecond // 1000:03d} [INFO ] pool-2-thread-"
        f'{rng.randint(1, 8)} ACCESS_LOG - /{PLATFORM_IP}:{rng.randint(40000, 60000)} "{verb} {path} HTTP/1.1" '
        f"{status} {rng.randint(2, 40)}"
    )


def tgi_banner(t: dt.datetime) -> list[Line]:
    iso = t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond // 1000:03d}Z"
    return [
        (
            t,
            f'{iso}  INFO text_generation_launcher: Args {{ model_id: "/opt/ml/model", max_input_tokens: 4096 }}',
        ),
        (t, f"{iso}  INFO download: text_generation_launcher: Starting download process."),
        (t, f"{iso}  INFO text_generation_router: Connected"),
    ]


def tgi_request(t: dt.datetime, rng: random.Random) -> str:
    iso = t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond // 1000:03d}Z"
    return (
        f"{iso}  INFO generate{{parameters=GenerateParameters {{ max_new_tokens: Some(256) }}}}: "
        f'text_generation_router::server: total_time="{rng.uniform(1.2, 6):.2f}s" '
        f'inference_time="{rng.uniform(1, 5):.2f}s" time_per_token="{rng.uniform(18, 30):.1f}ms"'
    )


def serving_banner(image: str, t: dt.datetime, model: str) -> list[Line]:
    """What a serving container of ``image`` prints while it starts."""
    kind = family(image)
    if kind == "tgi":
        return tgi_banner(t)
    if kind in ("pytorch", "huggingface"):
        return torchserve_banner(t, model)
    return gunicorn_banner(t, "xgboost-model" if kind == "xgboost" else "model.joblib")


def serving_access(image: str, t: dt.datetime, path: str, status: int, rng: random.Random) -> str:
    if family(image) in ("pytorch", "huggingface"):
        return torchserve_access(t, path, status, rng)
    if family(image) == "tgi" and path != "/ping":
        return tgi_request(t, rng)
    return access_line(t, path, status, rng)

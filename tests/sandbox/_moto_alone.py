"""What moto 5.2.5 does on its own, without smtui's fidelity layer: measured in a fresh interpreter
running a plain ``ThreadedMotoServer`` (nothing of smtui imported), so the patches cannot leak in.

The fidelity tests assert these gaps still exist: when moto fixes one, its test fails and the patch
can go.
"""

from __future__ import annotations

import functools
import json
import os
import subprocess
import sys

_SCRIPT = r"""
import json
from moto.server import ThreadedMotoServer
import boto3
from botocore.config import Config

server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
server.start()
host, port = server.get_host_and_port()
def client(service):
    return boto3.client(service, region_name="us-east-1", endpoint_url=f"http://{host}:{port}",
                        aws_access_key_id="AKIAEXAMPLE", aws_secret_access_key="x",
                        config=Config(retries={"total_max_attempts": 1}))
out = {}
try:
    client("cloudtrail").lookup_events(MaxResults=5)
    out["lookup_events"] = {"ok": True}
except Exception as exc:
    meta = getattr(exc, "response", {}).get("ResponseMetadata", {})
    out["lookup_events"] = {"ok": False, "status": meta.get("HTTPStatusCode"),
                            "code": getattr(exc, "response", {}).get("Error", {}).get("Code")}
sts = client("sts")
good = sts.assume_role(RoleArn="arn:aws:iam::123456789012:role/R", RoleSessionName="alice",
                       SourceIdentity="alice")
out["assume_role_keys"] = sorted(k for k in good if k != "ResponseMetadata")
try:
    sts.assume_role(RoleArn="arn:aws:iam::123456789012:role/R", RoleSessionName="bob",
                    SourceIdentity="not valid!")
    out["invalid_source_identity"] = "accepted"
except Exception as exc:
    out["invalid_source_identity"] = getattr(exc, "response", {}).get("Error", {}).get("Code")
server.stop()
print(json.dumps(out))
"""


@functools.lru_cache(maxsize=1)
def moto_alone() -> dict:
    env = dict(os.environ, AWS_EC2_METADATA_DISABLED="true")
    done = subprocess.run(
        [sys.executable, "-c", _SCRIPT], capture_output=True, text=True, timeout=120, env=env
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])

"""SVG snapshot of a pane whose List call is denied (AccessDenied, as AWS answers it: code, message naming the
action, request id, and what to do), at 80x24 and 160x45.

IAM enforcement is on for this test only (process-wide while on; the admin key keeps working); the request ids
the sandbox makes are fixed so the picture is the same on every run.
"""

from __future__ import annotations

import uuid

import pytest
from support import until

from smtui.app import SmtuiApp

READER = "snapshot-training-reader"


@pytest.fixture
def training_reader(sandbox, monkeypatch):
    """Credentials that may list and describe training jobs, nothing else; IAM enforced meanwhile."""
    existing = getattr(sandbox, "_snapshot_reader", None)
    if existing is None:
        existing = sandbox._snapshot_reader = sandbox.create_user_with_policy(
            READER,
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Action": ["sagemaker:ListTrainingJobs", "sagemaker:DescribeTrainingJob"],
                        "Resource": "*",
                    }
                ],
            },
        )
    fixed = uuid.UUID("7f0c9a1e-5d2b-4c6e-9a3f-0123456789ab")
    monkeypatch.setattr(uuid, "uuid4", lambda: fixed)  # the sandbox's own request ids
    import moto.core.responses

    def fixed_request_id(headers: dict | None = None) -> str:  # moto's: 52 random characters
        request_id = "SNAPSHOTREQUESTID0000000000000000000000000000000000"
        if isinstance(headers, dict):
            headers["x-amzn-requestid"] = request_id
        return request_id

    monkeypatch.setattr(moto.core.responses, "gen_amzn_requestid_long", fixed_request_id)
    sandbox.enable_iam_auth()
    try:
        yield existing
    finally:
        sandbox.disable_iam_auth()


@pytest.mark.parametrize("size", [(80, 24), (160, 45)], ids=["80x24", "160x45"])
def test_access_denied_pane_snapshot(sandbox, training_reader, snap_compare, size):
    app = SmtuiApp(target=sandbox.target(training_reader))

    async def run_before(pilot) -> None:
        await app.get_aws()
        app.sub_title = "us-east-1"
        pane = app.screen.pane("endpoint")
        await until(pilot, lambda: pane.error is not None and not pane.busy, what="the denial shown")
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=run_before)

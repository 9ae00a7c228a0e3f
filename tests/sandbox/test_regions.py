"""A forgotten region is a new account's region again: what the suite relies on to hand a finished module's
regions to the next modules."""

from __future__ import annotations

from support import create_training_job, uid

from smtui.sandbox.regions import forget_region


def test_a_forgotten_region_has_no_resources_logs_or_trail_left(own_sandbox):
    sb = own_sandbox("forget")
    name = uid("gone")
    create_training_job(sb, name)
    sm, logs, trail = (sb.boto3_client(s) for s in ("sagemaker", "logs", "cloudtrail"))
    logs.create_log_group(logGroupName="/smtui/forget-me")
    assert [j["TrainingJobName"] for j in sm.list_training_jobs()["TrainingJobSummaries"]] == [name]
    assert trail.lookup_events(MaxResults=50)["Events"]

    sb.stop()  # (only a region no running sandbox serves is forgotten)
    reset = forget_region(sb.region)
    sb = own_sandbox("forget")  # the same region again
    sm, logs, trail = (sb.boto3_client(s) for s in ("sagemaker", "logs", "cloudtrail"))

    assert {"sagemaker", "logs"} <= set(reset)  # (CloudTrail is the fidelity layer's recorder)
    assert sm.list_training_jobs()["TrainingJobSummaries"] == []
    assert logs.describe_log_groups(logGroupNamePrefix="/smtui/forget-me")["logGroups"] == []
    events = trail.lookup_events(MaxResults=50)["Events"]
    assert not [e for e in events if e["EventName"] == "CreateTrainingJob"]

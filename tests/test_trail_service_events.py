"""The ``AwsServiceEvent`` records the sandbox writes for what SageMaker does itself for a tuning job (creating
and stopping its training jobs) read as the published non-API service events do: no caller but the service,
named by ``invokedBy``, and both resources; they are in LookupEvents, and a tuning job's CloudTrail history
finds them (its lifecycle keeps only its own steps)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from trail_corpus import load, lookup_item

from smtui.aws.trail.filters import lifecycle
from smtui.aws.trail.lookup import resource_history
from smtui.aws.trail.parse import parse_event
from smtui.sandbox.scenario.tuning import TUNING_JOB, TUNING_STOPPED


def test_the_records_have_the_published_shape_of_service_events(sandbox):
    mine = [r for r in sandbox.recorder.events if r.get("eventType") == "AwsServiceEvent"]
    assert mine, "the seed wrote no service events"
    published = [p.record for p in load() if p.record.get("eventType") == "AwsServiceEvent"]
    kms = next(r for r in published if r.get("eventSource") == "kms.amazonaws.com")
    for record in mine:
        assert set(kms) <= set(record) | {"eventVersion"}, set(kms) - set(record)
        assert record["requestParameters"] is None and record["responseElements"] is None
        assert set(record["userIdentity"]) == set(kms["userIdentity"]) == {"accountId", "invokedBy"}
        ev = parse_event(lookup_item(record))
        assert ev.principal == "sagemaker.amazonaws.com" and not ev.problem and not ev.source_identity


async def test_a_tuning_jobs_history_holds_what_sagemaker_did_for_it(sandbox, aws):
    end = datetime.now(UTC)
    found = []
    async for new, _, _ in resource_history(aws, TUNING_STOPPED, start=end - timedelta(days=3), end=end):
        found += new
    service = [e for e in found if e.event_type == "AwsServiceEvent"]
    assert {e.name for e in service} == {"CreateTrainingJob", "StopTrainingJob"}
    assert (
        sum(e.name == "StopTrainingJob" for e in service) == 2
    )  # the two it was running when bob stopped it
    steps = [(verb, e.name) for verb, e in lifecycle(found, TUNING_STOPPED)]
    assert steps == [("created", "CreateHyperParameterTuningJob"), ("stopped", "StopHyperParameterTuningJob")]
    job = service[0].resources[0][1].rsplit("/", 1)[-1]
    assert job.startswith(f"{TUNING_STOPPED}-")
    # the training job's own lifecycle: created (and maybe stopped) by SageMaker
    assert lifecycle([e for e in service if e.resources[0][1].endswith(job)], job)
    assert TUNING_JOB != TUNING_STOPPED

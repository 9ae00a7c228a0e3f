"""Labeling jobs, inference recommendations jobs and a tuning job's training jobs: moto 5.2.5 has no API for
the first two and no ListTrainingJobsForHyperParameterTuningJob; the fidelity layer serves them in AWS's
shapes (smtui/sandbox/fidelity_jobs.py; tests/sandbox/test_shapes.py walks their answers). Each test says
what moto alone does."""

from __future__ import annotations

import pytest
from support import labeling_params, recommendation_params, tuning_params, uid

from smtui.aws.errors import AwsError
from smtui.sandbox.scenario.labeling import LABELING_FAILED, LABELING_JOBS, WORKTEAM_ARN
from smtui.sandbox.scenario.recommendations import RECOMMENDATION_JOBS

from ._moto_alone import moto_alone_calls


def test_moto_alone_has_no_labeling_or_recommendations_api():
    answers = moto_alone_calls(
        [
            ("create_labeling_job", labeling_params("alone")),
            ("list_labeling_jobs", {}),
            ("describe_labeling_job", {"LabelingJobName": "alone"}),
            ("create_inference_recommendations_job", recommendation_params("alone")),
            ("list_inference_recommendations_jobs", {}),
            ("describe_inference_recommendations_job", {"JobName": "alone"}),
        ]
    )
    assert not any(a["ok"] for a in answers), answers


async def test_labeling_jobs_are_created_listed_and_described_in_aws_shapes(sandbox, aws):
    name = uid("lab")
    await aws.call("sagemaker", "create_labeling_job", **labeling_params(name))
    listed = await aws.call("sagemaker", "list_labeling_jobs", NameContains=name)
    (summary,) = listed["LabelingJobSummaryList"]
    assert summary["LabelingJobName"] == name and summary["WorkteamArn"] == WORKTEAM_ARN
    d = await aws.call("sagemaker", "describe_labeling_job", LabelingJobName=name)
    assert d["LabelingJobArn"].endswith(f":labeling-job/{name}") and d["LabelingJobStatus"] == "InProgress"
    assert d["LabelCounters"]["TotalLabeled"] == 0 and d["HumanTaskConfig"]["TaskTitle"] == "intent"
    with pytest.raises(AwsError) as err:
        await aws.call("sagemaker", "create_labeling_job", **labeling_params(name))
    assert err.value.code == "ResourceInUse"
    with pytest.raises(AwsError) as err:
        await aws.call("sagemaker", "describe_labeling_job", LabelingJobName=uid("nope"))
    assert err.value.code == "ResourceNotFound"


async def test_the_seeded_labeling_and_recommendations_jobs_list_filter_sort_and_page(sandbox, aws):
    page = await aws.call(
        "sagemaker", "list_labeling_jobs", MaxResults=2, SortBy="Name", SortOrder="Ascending"
    )
    names = [s["LabelingJobName"] for s in page["LabelingJobSummaryList"]]
    assert names == sorted(names) and page["NextToken"]
    failed = await aws.call("sagemaker", "list_labeling_jobs", StatusEquals="Failed")
    assert LABELING_FAILED in [s["LabelingJobName"] for s in failed["LabelingJobSummaryList"]]
    assert all(s["LabelingJobStatus"] == "Failed" for s in failed["LabelingJobSummaryList"])
    every: list[str] = []
    async for p in aws.pages("sagemaker", "list_labeling_jobs", MaxResults=1):
        every += [s["LabelingJobName"] for s in p["LabelingJobSummaryList"]]
    assert set(LABELING_JOBS) <= set(every) and len(every) == len(set(every))
    recs = await aws.call("sagemaker", "list_inference_recommendations_jobs", SortBy="CreationTime")
    jobs = recs["InferenceRecommendationsJobs"]
    assert set(RECOMMENDATION_JOBS) <= {j["JobName"] for j in jobs}
    created = [j["CreationTime"] for j in jobs]
    assert created == sorted(created, reverse=True)  # Descending unless asked
    with pytest.raises(AwsError) as err:
        await aws.call("sagemaker", "list_inference_recommendations_jobs", StatusEquals="Completed")
    assert err.value.code == "ValidationException"  # its statuses are upper case: COMPLETED
    d = await aws.call("sagemaker", "describe_inference_recommendations_job", JobName=RECOMMENDATION_JOBS[0])
    assert d["Status"] == "COMPLETED" and len(d["InferenceRecommendations"]) == 3 and d["CompletionTime"]


def test_moto_alone_has_no_training_jobs_of_a_tuning_job_and_makes_up_its_best_one():
    create, describe, children = moto_alone_calls(
        [
            ("create_hyper_parameter_tuning_job", tuning_params("alone")),
            ("describe_hyper_parameter_tuning_job", {"HyperParameterTuningJobName": "alone"}),
            ("list_training_jobs_for_hyper_parameter_tuning_job", {"HyperParameterTuningJobName": "alone"}),
        ]
    )
    assert create["ok"] and not children["ok"]
    assert describe["answer"]["BestTrainingJob"]["TrainingJobName"] == "FakeTrainingJobName"


async def test_a_new_tuning_job_has_no_best_job_until_one_is_set(sandbox, aws):
    name = uid("hpo")[:32]
    await aws.call("sagemaker", "create_hyper_parameter_tuning_job", **tuning_params(name))
    d = await aws.call("sagemaker", "describe_hyper_parameter_tuning_job", HyperParameterTuningJobName=name)
    assert "BestTrainingJob" not in d and "TuningJobCompletionDetails" not in d
    assert sum(d["TrainingJobStatusCounters"].values()) == 0
    children = await aws.call(
        "sagemaker", "list_training_jobs_for_hyper_parameter_tuning_job", HyperParameterTuningJobName=name
    )
    assert children["TrainingJobSummaries"] == []
    with pytest.raises(AwsError) as err:
        await aws.call(
            "sagemaker",
            "list_training_jobs_for_hyper_parameter_tuning_job",
            HyperParameterTuningJobName=uid("no"),
        )
    assert err.value.code == "ResourceNotFound"


async def test_the_training_jobs_of_a_seeded_tuning_job_sort_filter_and_page(sandbox, aws):
    from smtui.sandbox.scenario.tuning import TUNING_JOB

    d = await aws.call(
        "sagemaker", "describe_hyper_parameter_tuning_job", HyperParameterTuningJobName=TUNING_JOB
    )
    best = d["BestTrainingJob"]
    op = "list_training_jobs_for_hyper_parameter_tuning_job"
    top = await aws.call(
        "sagemaker", op, HyperParameterTuningJobName=TUNING_JOB, SortBy="FinalObjectiveMetricValue",
        SortOrder="Descending", MaxResults=3,
    )  # fmt: skip
    first = top["TrainingJobSummaries"][0]
    assert first["TrainingJobName"] == best["TrainingJobName"] and top["NextToken"]
    assert first["FinalHyperParameterTuningJobObjectiveMetric"]["Value"] == 0.9476
    assert (
        first["TunedHyperParameters"] == best["TunedHyperParameters"] and first["TuningJobName"] == TUNING_JOB
    )
    every = []
    async for page in aws.pages("sagemaker", op, HyperParameterTuningJobName=TUNING_JOB, MaxResults=3):
        every += page["TrainingJobSummaries"]
    assert len(every) == 8 == sum(d["TrainingJobStatusCounters"].values())
    assert all(s["TrainingJobName"].startswith(f"{TUNING_JOB}-") for s in every)
    failed = await aws.call("sagemaker", op, HyperParameterTuningJobName=TUNING_JOB, StatusEquals="Failed")
    (job,) = failed["TrainingJobSummaries"]
    assert job["ObjectiveStatus"] == "Failed" and "max_depth" in job["FailureReason"]
    # each is an ordinary training job, that says which tuning job started it
    t = await aws.call("sagemaker", "describe_training_job", TrainingJobName=job["TrainingJobName"])
    assert t["TuningJobArn"] == d["HyperParameterTuningJobArn"] and t["TrainingJobStatus"] == "Failed"

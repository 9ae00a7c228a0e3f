"""Labeling jobs, inference recommendations jobs and a tuning job's training jobs: moto 5.2.5 has no API for
the first two and no ListTrainingJobsForHyperParameterTuningJob; the fidelity layer serves them in AWS's
shapes (smtui/sandbox/fidelity_jobs.py; tests/sandbox/test_shapes.py walks their answers). Each test says
what moto alone does."""

from __future__ import annotations

from typing import Any

import pytest
from support import ROLE, uid

from smtui.aws.errors import AwsError
from smtui.sandbox.scenario.labeling import LABELING_FAILED, LABELING_JOBS, WORKTEAM_ARN
from smtui.sandbox.scenario.recommendations import RECOMMENDATION_JOBS

from ._moto_alone import moto_alone_calls


def labeling_params(name: str) -> dict[str, Any]:
    return {
        "LabelingJobName": name,
        "LabelAttributeName": "label",
        "InputConfig": {"DataSource": {"S3DataSource": {"ManifestS3Uri": "s3://b/in.manifest"}}},
        "OutputConfig": {"S3OutputPath": "s3://b/out/"},
        "RoleArn": ROLE,
        "HumanTaskConfig": {
            "WorkteamArn": WORKTEAM_ARN,
            "UiConfig": {"UiTemplateS3Uri": "s3://b/t.liquid"},
            "PreHumanTaskLambdaArn": "arn:aws:lambda:us-east-1:432418664414:function:PRE-TextMultiClass",
            "TaskTitle": "intent",
            "TaskDescription": "pick the intent",
            "NumberOfHumanWorkersPerDataObject": 1,
            "TaskTimeLimitInSeconds": 300,
            "AnnotationConsolidationConfig": {
                "AnnotationConsolidationLambdaArn": "arn:aws:lambda:us-east-1:432418664414:function:ACS-TextMultiClass"
            },
        },
    }


def recommendation_params(name: str) -> dict[str, Any]:
    return {"JobName": name, "JobType": "Default", "RoleArn": ROLE, "InputConfig": {"ModelName": "m"}}


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

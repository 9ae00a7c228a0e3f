"""The sandbox's own table of the kinds it serves, written from the developer guide (the log group and
stream table of "CloudWatch Logs for Amazon SageMaker AI", the API reference), not from smtui's registry:
the sandbox writes its logs where this table says, and a test checks that smtui's registry
(:mod:`smtui.aws.resources`) agrees with it, so neither can drift alone.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SandboxKind:
    list_api: str  # "ListTrainingJobs"
    describe_api: str  # "DescribeTrainingJob"
    name_field: str  # "TrainingJobName"
    status_field: str  # "TrainingJobStatus"
    #: the log group, "{name}" standing for the resource's name; "" when it writes no logs
    log_group: str = ""
    #: where its streams' names start within the group ("" : the group is the resource's own)
    stream_prefix: str = ""
    #: its instances' metrics namespace (the same as its log group's for jobs)
    metrics_namespace: str = ""
    #: where moto keeps it: (backend attribute, status attribute, name attribute); () when the fidelity
    #: layer serves the kind itself
    moto: tuple[str, ...] = ()
    #: the Describe field of when it ended (set when it reaches a terminal status)
    end_field: str = ""
    #: the moto object's method that gives its Describe fields, where ``response_object`` does not
    describe_method: str = ""
    #: its CloudTrail ``resources[].type`` and ARN resource prefix ("" : CloudTrail names none for it)
    trail_type: str = ""
    arn_prefix: str = ""


KINDS: dict[str, SandboxKind] = {
    "endpoint": SandboxKind(
        "ListEndpoints", "DescribeEndpoint", "EndpointName", "EndpointStatus",
        log_group="/aws/sagemaker/Endpoints/{name}", metrics_namespace="/aws/sagemaker/Endpoints",
        moto=("endpoints", "endpoint_status", "endpoint_name"),
        trail_type="AWS::SageMaker::Endpoint", arn_prefix="endpoint",
    ),
    "training": SandboxKind(
        "ListTrainingJobs", "DescribeTrainingJob", "TrainingJobName", "TrainingJobStatus",
        log_group="/aws/sagemaker/TrainingJobs", stream_prefix="{name}/",
        metrics_namespace="/aws/sagemaker/TrainingJobs",
        moto=("training_jobs", "training_job_status", "training_job_name"),
        end_field="TrainingEndTime",
        trail_type="AWS::SageMaker::TrainingJob", arn_prefix="training-job",
    ),
    "processing": SandboxKind(
        "ListProcessingJobs", "DescribeProcessingJob", "ProcessingJobName", "ProcessingJobStatus",
        log_group="/aws/sagemaker/ProcessingJobs", stream_prefix="{name}/",
        metrics_namespace="/aws/sagemaker/ProcessingJobs",
        moto=("processing_jobs", "processing_job_status", "processing_job_name"),
        end_field="ProcessingEndTime",
        trail_type="AWS::SageMaker::ProcessingJob", arn_prefix="processing-job",
    ),
    "transform": SandboxKind(
        "ListTransformJobs", "DescribeTransformJob", "TransformJobName", "TransformJobStatus",
        log_group="/aws/sagemaker/TransformJobs", stream_prefix="{name}/",
        metrics_namespace="/aws/sagemaker/TransformJobs",
        moto=("transform_jobs", "transform_job_status", "transform_job_name"),
        end_field="TransformEndTime",
        trail_type="AWS::SageMaker::TransformJob", arn_prefix="transform-job",
    ),
    "notebook": SandboxKind(
        "ListNotebookInstances", "DescribeNotebookInstance", "NotebookInstanceName", "NotebookInstanceStatus",
        log_group="/aws/sagemaker/NotebookInstances", stream_prefix="{name}/",
        moto=("notebook_instances", "status", "notebook_instance_name"),
        describe_method="to_dict",
        trail_type="AWS::SageMaker::NotebookInstance", arn_prefix="notebook-instance",
    ),
    # <id>: the cluster's id, the last part of its ARN (what the log group is named after)
    "cluster": SandboxKind(
        "ListClusters", "DescribeCluster", "ClusterName", "ClusterStatus",
        log_group="/aws/sagemaker/Clusters/{name}/<id>", stream_prefix="",
        moto=("clusters", "status", "cluster_name"),
        describe_method="describe",
        trail_type="AWS::SageMaker::Cluster", arn_prefix="cluster",
    ),
    "tuning": SandboxKind(
        "ListHyperParameterTuningJobs", "DescribeHyperParameterTuningJob", "HyperParameterTuningJobName",
        "HyperParameterTuningJobStatus",
        moto=("hyper_parameter_tuning_jobs", "hyper_parameter_tuning_job_status", "hyper_parameter_tuning_job_name"),
        end_field="HyperParameterTuningEndTime",
        trail_type="AWS::SageMaker::HyperParameterTuningJob", arn_prefix="hyper-parameter-tuning-job",
    ),
    # labeling and recommendations jobs: served by fidelity_jobs, kept beside moto's own in its backend
    "labeling": SandboxKind(
        "ListLabelingJobs", "DescribeLabelingJob", "LabelingJobName", "LabelingJobStatus",
        log_group="/aws/sagemaker/LabelingJobs", stream_prefix="{name}",
        moto=("labeling_jobs", "labeling_job_status", "labeling_job_name"),
    ),
    "recommendation": SandboxKind(
        "ListInferenceRecommendationsJobs", "DescribeInferenceRecommendationsJob", "JobName", "Status",
        log_group="/aws/sagemaker/InferenceRecommendationsJobs", stream_prefix="{name}/",
        moto=("inference_recommendations_jobs", "status", "job_name"),
        end_field="CompletionTime",
    ),
    # {name}: domain-id/user-profile-name/app-type/app-name, the stream itself; served by fidelity_apps
    "app": SandboxKind(
        "ListApps", "DescribeApp", "AppName", "Status",
        log_group="/aws/sagemaker/studio", stream_prefix="{name}",
        trail_type="AWS::SageMaker::App", arn_prefix="app",
    ),
    "compilation": SandboxKind(
        "ListCompilationJobs", "DescribeCompilationJob", "CompilationJobName", "CompilationJobStatus",
        log_group="/aws/sagemaker/CompilationJobs", stream_prefix="{name}",
        moto=("compilation_jobs", "compilation_job_status", "compilation_job_name"),
        end_field="CompilationEndTime", trail_type="AWS::SageMaker::CompilationJob", arn_prefix="compilation-job",
    ),
}  # fmt: skip


def log_group(kind: str, name: str = "") -> str:
    return KINDS[kind].log_group.format(name=name)

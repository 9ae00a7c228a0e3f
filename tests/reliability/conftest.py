"""Support for the reliability tests (issue 6): a small account with one resource of every kind.

State-changing tests here use ``own_sandbox`` (tests/conftest.py): sandboxes in regions of the module's own,
so the seeded us-east-1 account the other tests look at stays as seeded.
"""

from __future__ import annotations

from support import (
    IMAGE,
    ROLE,
    TRAINING_GROUP,
    labeling_params,
    make_job,
    now_ms,
    put_lines,
    recommendation_params,
    stream_of,
    tuning_params,
)

from smtui.sandbox import Sandbox
from smtui.sandbox import fidelity_sagemaker as fsm


# ---------------------------------------------------------------------------------------------- a small account
class Account:
    """What :func:`mini_account` made: one resource of every kind, with logs, in the sandbox's region."""

    def __init__(self, sb: Sandbox, tag: str) -> None:
        self.sb = sb
        self.training = f"{tag}-train"
        self.failed = f"{tag}-failed"
        self.processing = f"{tag}-prep"
        self.transform = f"{tag}-batch"
        self.endpoint = f"{tag}-ep"
        self.domain = f"{tag}-domain"
        self.notebook = f"{tag}-nb"
        self.cluster = f"{tag}-hp"
        self.user = f"{tag}-user"
        self.app = ""  # domain/user/JupyterServer/default, once the domain has its id
        #: the resource of each kind a session visits (every kind of the registry must have one)
        self.names: dict[str, str] = {
            "endpoint": self.endpoint,
            "training": self.training,
            "processing": self.processing,
            "transform": self.transform,
        }
        self.tuning = f"{tag}-hpo"
        self.labeling = f"{tag}-labels"
        self.recommendation = f"{tag}-sizing"


def mini_account(sb: Sandbox, tag: str = "acct") -> Account:
    """One of every kind, made over HTTP with the admin key (so CloudTrail has their Create* calls):
    an in-progress 2-instance training job and a failed one, a processing job, a transform job, an
    endpoint, a domain with sourceIdentity on; each with log lines where AWS would write them."""
    acct = Account(sb, tag)
    sm = sb.boto3_client("sagemaker")
    region = sb.region
    make_job(sb, acct.training, instances=2)
    make_job(sb, acct.failed, status="Failed", FailureReason="AlgorithmError: out of memory")
    t = now_ms() - 60_000
    for h in (1, 2):
        put_lines(
            sb,
            TRAINING_GROUP,
            stream_of(acct.training, h),
            [(t + i * 1000 + h, f"epoch {i} host {h}") for i in range(20)],
        )
    put_lines(sb, TRAINING_GROUP, stream_of(acct.failed), [(t, "Traceback: MemoryError")])
    sm.create_processing_job(
        ProcessingJobName=acct.processing,
        ProcessingResources={
            "ClusterConfig": {"InstanceCount": 1, "InstanceType": "ml.m5.xlarge", "VolumeSizeInGB": 30}
        },
        AppSpecification={"ImageUri": IMAGE},
        RoleArn=ROLE,
        StoppingCondition={"MaxRuntimeInSeconds": 600},
    )
    fsm.set_status("processing", acct.processing, "Completed", region=region)
    put_lines(
        sb, "/aws/sagemaker/ProcessingJobs", f"{acct.processing}/algo-1-1700000000", [(t, "processing row 1")]
    )
    for model in (f"{tag}-model", f"{tag}-ep-model"):
        sm.create_model(ModelName=model, ExecutionRoleArn=ROLE, PrimaryContainer={"Image": IMAGE})
    sm.create_transform_job(
        TransformJobName=acct.transform,
        ModelName=f"{tag}-model",
        TransformInput={"DataSource": {"S3DataSource": {"S3DataType": "S3Prefix", "S3Uri": "s3://b/in/"}}},
        TransformOutput={"S3OutputPath": "s3://b/out/"},
        TransformResources={"InstanceType": "ml.m5.xlarge", "InstanceCount": 1},
    )
    fsm.set_status("transform", acct.transform, "Completed", region=region)
    put_lines(
        sb, "/aws/sagemaker/TransformJobs", f"{acct.transform}/i-0abc-1700000000", [(t, "transform ok")]
    )
    sm.create_endpoint_config(
        EndpointConfigName=f"{acct.endpoint}-config",
        ProductionVariants=[
            {
                "VariantName": "variant-a",
                "ModelName": f"{tag}-ep-model",
                "InstanceType": "ml.m5.large",
                "InitialInstanceCount": 1,
            }
        ],
    )
    sm.create_endpoint(EndpointName=acct.endpoint, EndpointConfigName=f"{acct.endpoint}-config")
    fsm.set_status("endpoint", acct.endpoint, "InService", region=region)
    put_lines(
        sb,
        f"/aws/sagemaker/Endpoints/{acct.endpoint}",
        "variant-a/i-0abc",
        [(now_ms() - 1000, "POST /invocations 200")],
    )
    domain = sm.create_domain(
        DomainName=acct.domain,
        AuthMode="IAM",
        DefaultUserSettings={"ExecutionRole": ROLE},
        SubnetIds=["subnet-0a1b2c3d"],
        VpcId="vpc-0123abcd",
        DomainSettings={"ExecutionRoleIdentityConfig": "USER_PROFILE_NAME"},
    )
    sm.create_hyper_parameter_tuning_job(**tuning_params(acct.tuning))
    sm.create_labeling_job(**labeling_params(acct.labeling))
    sm.create_inference_recommendations_job(**recommendation_params(acct.recommendation))
    put_lines(sb, "/aws/sagemaker/LabelingJobs", acct.labeling, [(t, "Labeling job started: 120 objects")])
    put_lines(
        sb,
        "/aws/sagemaker/InferenceRecommendationsJobs",
        f"{acct.recommendation}/execution",
        [(t, "Benchmarking ml.c5.xlarge")],
    )
    domain_id = domain["DomainArn"].rsplit("/", 1)[-1]
    sm.create_user_profile(DomainId=domain_id, UserProfileName=acct.user)
    sm.create_app(DomainId=domain_id, UserProfileName=acct.user, AppType="JupyterServer", AppName="default")
    acct.app = f"{domain_id}/{acct.user}/JupyterServer/default"
    put_lines(sb, "/aws/sagemaker/studio", acct.app, [(t, "[I ServerApp] Jupyter Server is running")])
    sm.create_notebook_instance(NotebookInstanceName=acct.notebook, InstanceType="ml.t3.medium", RoleArn=ROLE)
    put_lines(
        sb, "/aws/sagemaker/NotebookInstances", f"{acct.notebook}/jupyter.log", [(t, "[I NotebookApp] up")]
    )
    cluster_arn = sm.create_cluster(
        ClusterName=acct.cluster,
        InstanceGroups=[
            {
                "InstanceGroupName": "workers",
                "InstanceType": "ml.c5.xlarge",
                "InstanceCount": 1,
                "ExecutionRole": ROLE,
                "LifeCycleConfig": {"SourceS3Uri": "s3://sagemaker-lc/", "OnCreate": "on_create.sh"},
                "ThreadsPerCore": 1,
            }
        ],
    )["ClusterArn"]
    node = sm.list_cluster_nodes(ClusterName=acct.cluster)["ClusterNodeSummaries"][0]["InstanceId"]
    put_lines(
        sb,
        f"/aws/sagemaker/Clusters/{acct.cluster}/{cluster_arn.rsplit('/', 1)[-1]}",
        f"LifecycleConfig/workers/{node}",
        [(t, "[INFO] on_create.sh: DONE")],
    )
    acct.names.update(notebook=acct.notebook, cluster=acct.cluster, app=acct.app)
    acct.names.update(tuning=acct.tuning, labeling=acct.labeling, recommendation=acct.recommendation)
    compiled = acct.names["compilation"] = f"{tag}-neo"
    sm.create_compilation_job(
        CompilationJobName=compiled,
        RoleArn=ROLE,
        InputConfig={
            "S3Uri": "s3://b/model.tar.gz",
            "DataInputConfig": '{"data": [1, 42]}',
            "Framework": "XGBOOST",
        },
        OutputConfig={"S3OutputLocation": "s3://b/neo/", "TargetDevice": "ml_c5"},
        StoppingCondition={"MaxRuntimeInSeconds": 900},
    )
    put_lines(sb, "/aws/sagemaker/CompilationJobs", compiled, [(t, f"Compiled for ml_c5: {compiled}")])
    return acct

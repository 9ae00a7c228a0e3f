"""The demo organisation's trail in S3, and the Athena table over it.

The demo organisation has two accounts (the team's ``ml-dev``, which is the sandbox account, and ``ml-prod``)
working in two regions. An organisation trail delivers every account's CloudTrail to one bucket
(:data:`TRAIL_BUCKET`, layout of :mod:`smtui.sandbox.trail_delivery`); the Glue table :data:`TABLE` in database
:data:`DATABASE` is the CloudTrail console's "Create Athena table" schema (``useridentity`` a struct with
``sessioncontext.sourceidentity``, ``requestparameters`` a JSON string) partitioned by account, region and date
with partition projection, as the Athena user guide's organisation-trail tables are. The workgroup ``primary``
writes its results to :data:`RESULTS_BUCKET`.

What is in the bucket: the sandbox account's own trail (what its recorders hold, delivered every
``interval`` seconds by :class:`~smtui.sandbox.trail_delivery.TrailDelivery`), and :func:`history`: 180 days of
the team's work in both accounts and both regions (alice and bob through the shared execution role with their
sourceIdentity, each session opened by the AssumeRole that set it; the CI role and an on-call engineer without
one), recorded with the sandbox recorder's own record layout. The sandbox account's us-east-1 trail of the last
:data:`SCENARIO_DAYS` days is its recorder's (the scenario's, also in its event history for LookupEvents); what is
older, and the other account and region, is only in S3.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from smtui.sandbox import trail_delivery
from smtui.sandbox.identity import Identity
from smtui.sandbox.recorder import Recorder
from smtui.sandbox.trail_records import sagemaker_resources

ORG_ID = "o-smtuidemo01"
DEV_ACCOUNT = "123456789012"  # the sandbox account
PROD_ACCOUNT = "234567890123"
ACCOUNTS = {DEV_ACCOUNT: "ml-dev", PROD_ACCOUNT: "ml-prod"}
REGIONS = ("us-east-1", "eu-west-1")
TRAIL_BUCKET = "aws-cloudtrail-logs-smtui-demo-org"
RESULTS_BUCKET = "aws-athena-query-results-smtui-demo"
DATABASE = "default"
TABLE = "cloudtrail_logs"
HISTORY_DAYS = 180
#: the days of history the default scenario records itself (smtui.sandbox.scenario seeds ten days)
SCENARIO_DAYS = 10
_START_DATE = "2020/01/01"

_S = "string"
#: The CloudTrail console's "Create Athena table" columns, as Glue keeps them (lower case).
COLUMNS: tuple[tuple[str, str], ...] = (
    ("eventversion", _S),
    (
        "useridentity",
        "struct<type:string,principalid:string,arn:string,accountid:string,invokedby:string,"
        "accesskeyid:string,username:string,onbehalfof:struct<userid:string,identitystorearn:string>,"
        "sessioncontext:struct<attributes:struct<mfaauthenticated:string,creationdate:string>,"
        "sessionissuer:struct<type:string,principalid:string,arn:string,accountid:string,username:string>,"
        "ec2roledelivery:string,webidfederationdata:struct<federatedprovider:string,"
        "attributes:map<string,string>>,sourceidentity:string>>",
    ),
    ("eventtime", _S),
    ("eventsource", _S),
    ("eventname", _S),
    ("awsregion", _S),
    ("sourceipaddress", _S),
    ("useragent", _S),
    ("errorcode", _S),
    ("errormessage", _S),
    ("requestparameters", _S),
    ("responseelements", _S),
    ("additionaleventdata", _S),
    ("requestid", _S),
    ("eventid", _S),
    ("readonly", _S),
    ("resources", "array<struct<arn:string,accountid:string,type:string>>"),
    ("eventtype", _S),
    ("apiversion", _S),
    ("recipientaccountid", _S),
    ("serviceeventdetails", _S),
    ("sharedeventid", _S),
    ("vpcendpointid", _S),
    ("vpcendpointaccountid", _S),
    ("eventcategory", _S),
    (
        "addendum",
        "struct<reason:string,updatedfields:string,originalrequestid:string,originaleventid:string>",
    ),
    ("sessioncredentialfromconsole", _S),
    ("edgedevicedetails", _S),
    ("tlsdetails", "struct<tlsversion:string,ciphersuite:string,clientprovidedhostheader:string>"),
)
PARTITION_KEYS = (("account", _S), ("region", _S), ("timestamp", _S))


def table_input(
    name: str = TABLE,
    *,
    bucket: str = TRAIL_BUCKET,
    accounts: tuple[str, ...] = tuple(ACCOUNTS),
    regions: tuple[str, ...] = REGIONS,
    columns: tuple[tuple[str, str], ...] = COLUMNS,
    projected: bool = True,
) -> dict[str, Any]:
    """The Glue ``TableInput`` of the CloudTrail table over ``bucket``: partition-projected by account,
    region and date (``projected=False``: one unpartitioned table over the whole ``AWSLogs/`` prefix)."""
    location = f"s3://{bucket}/AWSLogs/"
    params: dict[str, str] = {"classification": "cloudtrail", "EXTERNAL": "TRUE"}
    keys: list[dict[str, str]] = []
    if projected:
        keys = [{"Name": k, "Type": t} for k, t in PARTITION_KEYS]
        params.update(
            {
                "projection.enabled": "true",
                "projection.account.type": "enum",
                "projection.account.values": ",".join(accounts),
                "projection.region.type": "enum",
                "projection.region.values": ",".join(regions),
                "projection.timestamp.type": "date",
                "projection.timestamp.format": "yyyy/MM/dd",
                "projection.timestamp.range": f"{_START_DATE},NOW",
                "projection.timestamp.interval": "1",
                "projection.timestamp.interval.unit": "DAYS",
                "storage.location.template": f"s3://{bucket}/AWSLogs/${{account}}/CloudTrail/${{region}}/${{timestamp}}",
            }
        )
    return {
        "Name": name,
        "TableType": "EXTERNAL_TABLE",
        "Parameters": params,
        "PartitionKeys": keys,
        "StorageDescriptor": {
            "Columns": [{"Name": n, "Type": t} for n, t in columns],
            "Location": location,
            "InputFormat": "com.amazon.emr.cloudtrail.CloudTrailInputFormat",
            "OutputFormat": "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat",
            "SerdeInfo": {"SerializationLibrary": "org.apache.hive.hcatalog.data.JsonSerDe"},
        },
    }


def create_table(sb: Any, table: dict[str, Any], *, database: str = DATABASE) -> None:
    """Create (or replace) a Glue table in ``database`` of the sandbox's region, creating the database when
    missing (through the sandbox's Glue, as a client would)."""
    glue = sb.boto3_client("glue")
    try:
        glue.get_database(Name=database)
    except glue.exceptions.EntityNotFoundException:
        glue.create_database(DatabaseInput={"Name": database})
    try:
        glue.get_table(DatabaseName=database, Name=table["Name"])
        glue.update_table(DatabaseName=database, TableInput=table)
    except glue.exceptions.EntityNotFoundException:
        glue.create_table(DatabaseName=database, TableInput=table)


def set_results_location(account_id: str, region: str, output: str, workgroup: str = "primary") -> None:
    """Give a workgroup a query result location (moto's workgroups start without one)."""
    from moto.athena.models import athena_backends

    backend = athena_backends[account_id][region]
    wg = backend.work_groups.get(workgroup)
    if wg is None:
        backend.create_work_group(workgroup, {"ResultConfiguration": {"OutputLocation": output}}, "", [])
        return
    wg.configuration.setdefault("ResultConfiguration", {})["OutputLocation"] = output


# ---------------------------------------------------------------------------------------------- history
_ROLE = "SageMakerExecutionRole"
_CI_ROLE = "ci-pipeline-role"
_ONCALL = "oncall-sre"
_AGENT = "aws-cli/2.22.4 md/awscrt#0.23.4 ua/2.1 os/linux#6.8 md/arch#x86_64 lang/python#3.12.8 cmd/sagemaker"
_STUDIO_AGENT = "Boto3/1.35.81 md/Botocore#1.35.81 ua/2.0 os/linux#5.10 lang/python#3.11.9 exec-env#SageMaker"


def _sessions(rng: random.Random, day: datetime, account: str, region: str) -> Iterator[tuple[str, str]]:
    """(who, what) for the sessions of one day: who is alice, bob, ci or oncall; what names the work."""
    prod = account == PROD_ACCOUNT
    weekday = day.weekday() < 5
    for user in ("alice", "bob"):
        if weekday and rng.random() < (0.35 if prod else 0.55) * (0.6 if region != REGIONS[0] else 1.0):
            yield (
                user,
                rng.choice(
                    ("endpoint", "endpoint", "describe")
                    if prod
                    else ("training", "training", "processing", "describe")
                ),
            )
    if rng.random() < (0.5 if prod else 0.8) and region == REGIONS[0]:
        yield "ci", "endpoint" if prod else "training"
    if prod and rng.random() < 0.15:
        yield "oncall", "describe"


def history(
    now: datetime | None = None,
    *,
    days: int = HISTORY_DAYS,
    seed: int = 14,
    skip: tuple[str, str, int] | None = None,
) -> list[dict[str, Any]]:
    """The demo organisation's records for the last ``days`` days in both accounts and regions, oldest first.
    ``skip`` = (account, region, days): leave out that account and region's last ``days`` days (the sandbox's
    own recorder holds them)."""
    now = (now or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    rng = random.Random(seed)
    out: list[dict[str, Any]] = []
    for account in ACCOUNTS:
        for region in REGIONS:
            rec = Recorder(account, region, max_events=10_000_000)
            for back in range(days, 0, -1):
                day = (now - timedelta(days=back)).replace(hour=0, minute=0, second=0)
                if skip and (account, region) == skip[:2] and back <= skip[2]:
                    continue
                for n, (who, what) in enumerate(_sessions(rng, day, account, region)):
                    start = day + timedelta(hours=rng.randint(8, 18), minutes=rng.randint(0, 59), seconds=n)
                    _session(rec, rng, start, account, region, who, what, f"{back}-{n}")
            out.extend(rec.events)
    out.sort(key=lambda r: str(r.get("eventTime")))
    return [r for r in out if str(r.get("eventTime")) <= now.strftime("%Y-%m-%dT%H:%M:%SZ")]


def _session(
    rec: Recorder,
    rng: random.Random,
    start: datetime,
    account: str,
    region: str,
    who: str,
    what: str,
    tag: str,
) -> None:
    ip = f"10.{rng.randint(0, 20)}.{rng.randint(0, 255)}.{rng.randint(1, 254)}"
    if who in ("alice", "bob"):
        role_arn = f"arn:aws:iam::{account}:role/{_ROLE}"
        caller: Identity = Identity.assumed_role(
            role_arn, who, account, source_identity=who, created=start.strftime("%Y-%m-%dT%H:%M:%SZ")
        )
        with rec.at(start):
            rec.record_call(
                event_source="sts.amazonaws.com",
                operation="AssumeRole",
                access_key=None,
                region=region,
                source_ip="sagemaker.amazonaws.com",
                user_agent="sagemaker.amazonaws.com",
                request_parameters={"roleArn": role_arn, "roleSessionName": who, "sourceIdentity": who},
                response_elements={"sourceIdentity": who},
                request_id=f"req-{tag}",
                resources=[{"accountId": account, "type": "AWS::IAM::Role", "ARN": role_arn}],
                read_only=True,
            )["userIdentity"] = {"type": "AWSService", "invokedBy": "sagemaker.amazonaws.com"}
        agent = _STUDIO_AGENT
    elif who == "ci":
        caller = Identity.assumed_role(f"arn:aws:iam::{account}:role/{_CI_ROLE}", "github-actions", account)
        agent = _AGENT
    else:
        caller = Identity.user(_ONCALL, account)
        agent = _AGENT
    key = "ASIA" + hashlib.sha256(f"{who}/{account}/{tag}".encode()).hexdigest()[:16].upper()
    name = f"{who}-{what}-{start:%m%d%H%M}"
    calls: list[tuple[str, dict[str, Any], str | None]]
    if what == "training":
        calls = [
            (
                "CreateTrainingJob",
                {"trainingJobName": name, "roleArn": f"arn:aws:iam::{account}:role/{_ROLE}"},
                None,
            ),
            ("DescribeTrainingJob", {"trainingJobName": name}, None),
        ]
        if rng.random() < 0.2:
            calls.append(("StopTrainingJob", {"trainingJobName": name}, None))
    elif what == "processing":
        calls = [("CreateProcessingJob", {"processingJobName": name}, None)]
    elif what == "endpoint":
        ep = rng.choice(("churn-prod", "fraud-detector", "recsys"))
        calls = [
            ("CreateEndpointConfig", {"endpointConfigName": f"{ep}-{start:%m%d%H%M}"}, None),
            ("UpdateEndpoint", {"endpointName": ep, "endpointConfigName": f"{ep}-{start:%m%d%H%M}"}, None),
            ("DescribeEndpoint", {"endpointName": ep}, None),
        ]
        if rng.random() < 0.1:
            calls.append(("DeleteEndpoint", {"endpointName": ep}, "AccessDeniedException"))
    else:
        calls = [("ListTrainingJobs", {"maxResults": 50}, None), ("ListEndpoints", {"maxResults": 50}, None)]
    for i, (op, params, error) in enumerate(calls, 1):
        with rec.at(start + timedelta(minutes=i, seconds=rng.randint(0, 59))):
            resources = sagemaker_resources(
                {k[:1].upper() + k[1:]: v for k, v in params.items()}, None, region, account
            )
            rec.record_call(
                event_source="sagemaker.amazonaws.com",
                operation=op,
                access_key=key,
                region=region,
                source_ip=ip,
                user_agent=agent,
                request_parameters=params,
                response_elements=None,
                request_id=f"req-{tag}-{i}",
                error_code=error,
                error_message=f"User is not authorized to perform: sagemaker:{op}" if error else None,
                resources=resources,
                identity=caller,
            )


# ---------------------------------------------------------------------------------------------- seeding
#: the one delivery of each (bucket, account) in this process: it delivers every region's recorder
_DELIVERIES: dict[tuple[str, str], trail_delivery.TrailDelivery] = {}


def seed(sb: Any, *, interval: float = 30.0, days: int = HISTORY_DAYS) -> trail_delivery.TrailDelivery:
    """Put the organisation trail, its Athena table and a result location in the sandbox; deliver the
    sandbox account's own trail now and every ``interval`` seconds. Returns the delivery (also ``sb.trail_delivery``)."""
    existing = getattr(sb, "trail_delivery", None)
    if existing is not None:
        return existing  # type: ignore[no-any-return]
    account, region = sb.account_id, sb.region
    running = _DELIVERIES.get((TRAIL_BUCKET, account))
    if running is not None:
        # another sandbox of this process (the same account: moto's state is process-wide) delivers already;
        # a second delivery would put every record in the bucket twice
        create_table(sb, table_input())
        set_results_location(account, region, f"s3://{RESULTS_BUCKET}/")
        running.flush()
        sb.trail_delivery = running
        return running
    trail_delivery.ensure_bucket(TRAIL_BUCKET, account_id=account, region=region)
    trail_delivery.ensure_bucket(RESULTS_BUCKET, account_id=account, region=region)
    s3 = trail_delivery.s3_backend(account)
    if not any(True for _ in s3.buckets[TRAIL_BUCKET].keys):
        records = history(days=days, skip=(account, region, SCENARIO_DAYS))
        files = trail_delivery.files_for(records, default_account=account, salt="history")
        trail_delivery.put(TRAIL_BUCKET, files, account_id=account)
    create_table(sb, table_input())
    set_results_location(account, region, f"s3://{RESULTS_BUCKET}/")
    delivery = trail_delivery.TrailDelivery(
        TRAIL_BUCKET, account_id=account, region=region, interval=interval
    )
    delivery.flush()
    delivery.start()
    _DELIVERIES[(TRAIL_BUCKET, account)] = delivery
    sb.trail_delivery = delivery
    return delivery

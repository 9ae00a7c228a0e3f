"""The trail delivered to S3 as CloudTrail delivers it, and Athena in the sandbox running the SQL for real
(DuckDB over the table's files): states, data scanned after partition pruning, paging, and the failures a user
meets (bad SQL, a missing table, a bucket they may not read, no output location, a query stopped). moto alone
answers every query SUCCEEDED at once with no rows and 0 bytes scanned, whatever it says."""

from __future__ import annotations

import gzip
import json
import re
import time
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from support import uid

from smtui.sandbox import fidelity_athena, org_trail, trail_delivery

from ._moto_alone import moto_alone

DAYS = 20
KEY_RE = re.compile(
    r"AWSLogs/(\d{12})/CloudTrail/([a-z0-9-]+)/(\d{4})/(\d\d)/(\d\d)/"
    r"\1_CloudTrail_\2_(\d{8})T\d{4}Z_[A-Za-z0-9]{16}\.json\.gz"
)


class Trail:
    """An organisation trail of :data:`DAYS` days in a bucket of its own, its table and a result location."""

    def __init__(self, sb):
        self.sb = sb
        self.bucket = uid("trail")
        self.results = uid("results")
        self.table = uid("ct").replace("-", "_")
        self.records = org_trail.history(days=DAYS, seed=7)
        trail_delivery.ensure_bucket(self.results, account_id=sb.account_id, region=sb.region)
        self.keys = trail_delivery.deliver(
            self.bucket, self.records, account_id=sb.account_id, region=sb.region
        )
        org_trail.create_table(sb, org_trail.table_input(self.table, bucket=self.bucket))
        self.athena = sb.boto3_client("athena")
        self.s3 = sb.boto3_client("s3")

    def start(self, sql, **kw):
        kw.setdefault("ResultConfiguration", {"OutputLocation": f"s3://{self.results}/q/"})
        return self.athena.start_query_execution(QueryString=sql, **kw)["QueryExecutionId"]

    def wait(self, qid, limit=30.0):
        states = []
        deadline = time.monotonic() + limit
        while True:
            ex = self.athena.get_query_execution(QueryExecutionId=qid)["QueryExecution"]
            states.append(ex["Status"]["State"])
            if states[-1] in ("SUCCEEDED", "FAILED", "CANCELLED"):
                return ex, states
            assert time.monotonic() < deadline, f"query {qid} still {states[-1]}"
            time.sleep(0.05)

    def rows(self, qid, page=1000):
        out, token = [], None
        while True:
            kw = {"NextToken": token} if token else {}
            got = self.athena.get_query_results(QueryExecutionId=qid, MaxResults=page, **kw)
            out.append([[d.get("VarCharValue") for d in r["Data"]] for r in got["ResultSet"]["Rows"]])
            token = got.get("NextToken")
            if not token:
                return out

    def size(self, pred=lambda key: True):
        objs = self.s3.list_objects_v2(Bucket=self.bucket, Prefix="AWSLogs/")["Contents"]
        return sum(o["Size"] for o in objs if pred(o["Key"]))


@pytest.fixture(scope="module")
def trail(module_sandbox):
    return Trail(module_sandbox)


def test_moto_alone_never_runs_the_query():
    assert moto_alone()["athena_missing_table"] == {"state": "SUCCEEDED", "scanned": 0, "rows": 0}
    assert moto_alone()["athena_no_output"] == "SUCCEEDED"


def test_the_trail_is_delivered_as_cloudtrail_delivers_it(trail):
    objs = trail.s3.list_objects_v2(Bucket=trail.bucket, Prefix="AWSLogs/")["Contents"]
    assert len(objs) == len(trail.keys) < 1000
    seen = Counter()
    where = set()
    for o in objs:
        m = KEY_RE.fullmatch(o["Key"])
        assert m, o["Key"]
        account, region, y, mo, d, written = m.groups()
        assert written == y + mo + d  # the folder is the day the file was written
        body = json.loads(
            gzip.decompress(trail.s3.get_object(Bucket=trail.bucket, Key=o["Key"])["Body"].read())
        )
        assert set(body) == {"Records"}
        for rec in body["Records"]:
            assert (rec["recipientAccountId"], rec["awsRegion"]) == (account, region)
            assert rec["eventTime"] <= f"{y}-{mo}-{d}T23:59:59Z"  # written at or after the event
            seen[rec["eventID"]] += 1
        where.add((account, region))
    assert seen == Counter(r["eventID"] for r in trail.records)  # every record once
    assert where == {(a, r) for a in org_trail.ACCOUNTS for r in org_trail.REGIONS}


def test_a_query_is_queued_runs_and_pages_its_rows_in_order(trail, monkeypatch):
    monkeypatch.setattr(fidelity_athena.SETTINGS, "queue_seconds", 0.5)
    sql = (
        f"SELECT eventid, eventname, useridentity.sessioncontext.sourceidentity AS si, account, region "
        f"FROM {trail.table} WHERE json_extract_scalar(requestparameters, '$.sourceIdentity') = 'alice' "
        f"OR useridentity.sessioncontext.sourceidentity = 'alice' ORDER BY eventtime DESC, eventid"
    )
    qid = trail.start(sql, QueryExecutionContext={"Database": "default"})
    ex, states = trail.wait(qid)
    assert states[0] == "QUEUED" and states[-1] == "SUCCEEDED", states
    assert ex["Statistics"]["DataScannedInBytes"] == trail.size()  # no partition condition: every file
    assert ex["ResultConfiguration"]["OutputLocation"] == f"s3://{trail.results}/q/{qid}.csv"
    pages = trail.rows(qid, page=7)
    header, *rows = [r for p in pages for r in p]
    assert header == ["eventid", "eventname", "si", "account", "region"]
    assert all(len(p) == 7 for p in pages[:-1])
    alice = [
        r
        for r in trail.records
        if (r.get("requestParameters") or {}).get("sourceIdentity") == "alice"
        or ((r["userIdentity"].get("sessionContext") or {}).get("sourceIdentity")) == "alice"
    ]
    want = sorted(alice, key=lambda r: r["eventID"])
    want = sorted(want, key=lambda r: r["eventTime"], reverse=True)
    assert [r[0] for r in rows] == [r["eventID"] for r in want]
    assert [(r[3], r[4]) for r in rows] == [(r["recipientAccountId"], r["awsRegion"]) for r in want]
    assert {r[1] for r in rows} >= {"AssumeRole", "CreateTrainingJob"}  # the AssumeRole that set it too
    # the results are in the output location, as CSV with a header
    csv = trail.s3.get_object(Bucket=trail.results, Key=f"q/{qid}.csv")["Body"].read().decode()
    assert csv.splitlines()[0] == '"eventid","eventname","si","account","region"'
    assert len(csv.splitlines()) == len(rows) + 1


def test_a_window_on_the_date_partition_reads_only_those_days(trail):
    day = datetime.now(UTC) - timedelta(days=5)
    lo, hi = f"{day:%Y/%m/%d}", f"{day + timedelta(days=1):%Y/%m/%d}"
    qid = trail.start(
        f"SELECT count(*) AS n FROM {trail.table} WHERE \"timestamp\" BETWEEN '{lo}' AND '{hi}' "
        f"AND account = '{org_trail.PROD_ACCOUNT}'"
    )
    ex, _ = trail.wait(qid)
    assert ex["Status"]["State"] == "SUCCEEDED"

    def kept(key):
        m = KEY_RE.fullmatch(key)
        return m[1] == org_trail.PROD_ACCOUNT and lo <= f"{m[3]}/{m[4]}/{m[5]}" <= hi

    assert 0 < ex["Statistics"]["DataScannedInBytes"] == trail.size(kept) < trail.size() / 5
    (_, (n,)), *_ = trail.rows(qid)
    in_kept = 0
    for key in (k for k in trail.keys if kept(k)):
        body = trail.s3.get_object(Bucket=trail.bucket, Key=key)["Body"].read()
        in_kept += len(json.loads(gzip.decompress(body))["Records"])
    assert int(n) == in_kept > 0


@pytest.mark.parametrize(
    ("sql", "reason"),
    [
        ("SELEC eventid FROM {table}", "SYNTAX_ERROR"),
        ("SELECT eventid FROM no_such_table", "TABLE_NOT_FOUND"),
        ("SELECT no_such_column FROM {table}", "COLUMN_NOT_FOUND"),
    ],
    ids=["bad-sql", "missing-table", "missing-column"],
)
def test_a_query_that_cannot_run_fails_with_athenas_reason(trail, sql, reason):
    qid = trail.start(sql.format(table=trail.table))
    ex, states = trail.wait(qid)
    assert states[-1] == "FAILED"
    assert ex["Status"]["StateChangeReason"].startswith(reason), ex["Status"]
    assert ex["Status"]["AthenaError"]["ErrorMessage"] == ex["Status"]["StateChangeReason"]
    with pytest.raises(trail.athena.exceptions.InvalidRequestException) as got:
        trail.athena.get_query_results(QueryExecutionId=qid)
    assert got.value.response["Error"]["Code"] == "InvalidRequestException"
    assert "FAILED" in got.value.response["Error"]["Message"]


def test_a_bucket_the_caller_may_not_read_fails_the_query(trail, module_sandbox):
    sb = module_sandbox
    bucket = uid("locked")
    trail_delivery.deliver(bucket, trail.records[:20], account_id=sb.account_id, region=sb.region)
    deny = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:*",
                "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"],
            }
        ],
    }
    trail.s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps(deny))
    table = uid("locked").replace("-", "_")
    org_trail.create_table(sb, org_trail.table_input(table, bucket=bucket))
    ex, _ = trail.wait(trail.start(f"SELECT eventid FROM {table}"))
    assert ex["Status"]["State"] == "FAILED"
    assert ex["Status"]["StateChangeReason"].startswith(f"Permission denied on S3 path: s3://{bucket}/")


def test_no_output_location_is_refused_and_the_workgroups_is_used(trail):
    wg = uid("wg")
    trail.athena.create_work_group(Name=wg, Configuration={})
    with pytest.raises(trail.athena.exceptions.InvalidRequestException) as got:
        trail.athena.start_query_execution(QueryString="SELECT 1", WorkGroup=wg)
    assert got.value.response["Error"]["Code"] == "InvalidRequestException"
    assert "output location is required" in got.value.response["Error"]["Message"]
    org_trail.set_results_location(trail.sb.account_id, trail.sb.region, f"s3://{trail.results}/wg/", wg)
    qid = trail.athena.start_query_execution(QueryString="SELECT 1 AS one", WorkGroup=wg)["QueryExecutionId"]
    ex, _ = trail.wait(qid)
    assert ex["ResultConfiguration"]["OutputLocation"] == f"s3://{trail.results}/wg/{qid}.csv"
    assert trail.rows(qid) == [[["one"], ["1"]]]


def test_a_running_query_is_stopped(trail, monkeypatch):
    monkeypatch.setattr(fidelity_athena.SETTINGS, "min_run_seconds", 20.0)
    qid = trail.start(f"SELECT eventid FROM {trail.table}")
    deadline = time.monotonic() + 30  # (QUEUED takes longer on a loaded machine)
    while (
        trail.athena.get_query_execution(QueryExecutionId=qid)["QueryExecution"]["Status"]["State"]
        != "RUNNING"
    ):
        assert time.monotonic() < deadline
        time.sleep(0.05)
    with pytest.raises(trail.athena.exceptions.InvalidRequestException) as early:
        trail.athena.get_query_results(QueryExecutionId=qid)
    assert "has not yet finished" in early.value.response["Error"]["Message"]
    trail.athena.stop_query_execution(QueryExecutionId=qid)
    ex, states = trail.wait(qid, limit=15)
    assert states[-1] == "CANCELLED"


def test_a_record_without_a_region_is_delivered_under_the_region_it_was_recorded_in(module_sandbox):
    """CloudTrail writes an event into the log files of the region where it was recorded: a record with no
    ``awsRegion`` (published records sometimes lack it) goes under its recorder's region, not under the region
    the delivery was set up in."""
    from smtui.sandbox import trail_delivery

    sb = module_sandbox
    assert sb.region != "us-east-1"
    rec = sb.recorder.add({"eventName": "NoRegionHere", "eventSource": "sagemaker.amazonaws.com"})
    delivery = trail_delivery.TrailDelivery(
        f"regionless-{uuid.uuid4().hex[:8]}", account_id=sb.account_id, region="us-east-1"
    )
    keys = delivery.flush()
    bucket = trail_delivery.s3_backend(sb.account_id).buckets[delivery.bucket]
    (where,) = [k for k in keys if rec["eventID"] in gzip.decompress(bucket.keys[k].value).decode()]
    assert where.startswith(trail_delivery.log_prefix(sb.account_id, sb.region)), where

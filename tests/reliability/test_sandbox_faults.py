"""The sandbox's fault injection answers as AWS does: expired credentials per key or for every key, in
each protocol smtui speaks (JSON, CloudWatch, STS query), and CloudWatch AccessDenied under IAM."""

from __future__ import annotations

import pytest
from support import uid

from smtui.aws.session import AwsError, AwsSession

CALLS = [
    ("sagemaker", "list_training_jobs", {}, "ExpiredTokenException"),
    ("logs", "describe_log_groups", {}, "ExpiredTokenException"),
    ("cloudtrail", "lookup_events", {"MaxResults": 1}, "ExpiredTokenException"),
    ("cloudwatch", "list_metrics", {}, "ExpiredToken"),
    ("sts", "get_caller_identity", {}, "ExpiredToken"),
]


async def test_expire_and_restore_credentials(own_sandbox):
    sb = own_sandbox()
    admin = AwsSession(sb.target())
    other = AwsSession(sb.target({"aws_access_key_id": "AKIAOTHERKEY00000000", "aws_secret_access_key": "x"}))
    try:
        sb.expire_credentials()
        for service, op, params, code in CALLS:
            with pytest.raises(AwsError) as raised:
                await admin.call(service, op, **params)
            err = raised.value
            assert (err.code, err.http_status) == (code, 400), service
            assert err.message == "The security token included in the request is expired"
            assert err.is_expired and err.request_id
        assert any(r.error == "ExpiredTokenException" for r in sb.requests)
        sb.restore_credentials()
        # one key only
        sb.expire_credentials(sb.target().access_key)
        with pytest.raises(AwsError):
            await admin.call("logs", "describe_log_groups")
        await other.call("logs", "describe_log_groups")
        sb.restore_credentials(sb.target().access_key)
        await admin.call("logs", "describe_log_groups")
    finally:
        sb.restore_credentials()
        await admin.close()
        await other.close()


async def test_cloudwatch_access_denied_names_the_cloudwatch_action(own_sandbox):
    sb = own_sandbox(iam=True)
    creds = sb.create_user_with_policy(
        uid("cw-lister"),
        {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "cloudwatch:ListMetrics", "Resource": "*"}],
        },
    )
    aws = AwsSession(sb.target(creds))
    try:
        await aws.call("cloudwatch", "list_metrics")  # allowed as cloudwatch:, not moto's monitoring:
        with pytest.raises(AwsError) as raised:
            await aws.call(
                "cloudwatch",
                "get_metric_data",
                StartTime=0,
                EndTime=60,
                MetricDataQueries=[
                    {
                        "Id": "a",
                        "MetricStat": {
                            "Metric": {"Namespace": "n", "MetricName": "m"},
                            "Period": 60,
                            "Stat": "Average",
                        },
                    }
                ],
            )
        err = raised.value
        assert err.code == "AccessDenied" and err.http_status == 403 and err.is_access_denied
        assert err.action == "cloudwatch:GetMetricData"
        assert "<" not in err.message  # not moto's XML
    finally:
        await aws.close()

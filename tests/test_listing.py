"""Listing: server filters, paging through short/empty pages, in-place diffs, Describe cache, times."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from smtui.aws import listing
from smtui.aws.listing import DescribeCache, Listing, ServerFilter, list_params
from smtui.aws.resources import BY_KEY, ENDPOINT, KINDS, TRAINING
from smtui.widgets.resource_table import FilterError, compile_filter

UTC = dt.UTC


def test_list_params_always_sort_and_carry_the_server_filter():
    for kind in KINDS:
        p = list_params(kind)
        assert p["MaxResults"] == 100 and p["SortBy"] == kind.list_sort_by and p["SortOrder"] == "Descending"
    after = dt.datetime(2026, 11, 27, tzinfo=UTC)
    p = list_params(TRAINING, ServerFilter("Failed", "churn", after))
    assert p["StatusEquals"] == "Failed" and p["NameContains"] == "churn" and p["CreationTimeAfter"] == after
    # ListClusters takes no StatusEquals nor LastModifiedTimeAfter, ListApps no filter at all: never sent
    p = list_params(BY_KEY["cluster"], ServerFilter("Failed", "llm", after), modified_after=after)
    assert p["SortBy"] == "CREATION_TIME" and "StatusEquals" not in p and "LastModifiedTimeAfter" not in p
    assert p["NameContains"] == "llm" and p["CreationTimeAfter"] == after
    assert set(list_params(BY_KEY["app"], ServerFilter(name_contains="x"))) == {
        "MaxResults",
        "SortBy",
        "SortOrder",
    }
    with pytest.raises(ValueError, match="ListClusters cannot filter by status"):
        ServerFilter("Failed").validate(BY_KEY["cluster"])


def test_server_filter_validation_and_since_parsing():
    ServerFilter("InService").validate(ENDPOINT)
    with pytest.raises(ValueError, match="not a status"):
        ServerFilter("InService").validate(TRAINING)
    with pytest.raises(ValueError, match="hyphens"):
        ServerFilter(name_contains="bad name!").validate(TRAINING)
    now = dt.datetime(2026, 11, 27, 12, tzinfo=UTC)
    assert listing.parse_since("2h", now) == now - dt.timedelta(hours=2)
    assert listing.parse_since("3d", now) == now - dt.timedelta(days=3)
    assert listing.parse_since("2026-11-20", now) == dt.datetime(2026, 11, 20, tzinfo=UTC)
    assert listing.parse_since("", now) is None
    with pytest.raises(ValueError, match="window"):
        listing.parse_since("yesterday", now)


def _s(name: str, status: str = "Completed", modified: int = 0) -> dict:
    return {
        "TrainingJobName": name,
        "TrainingJobStatus": status,
        "LastModifiedTime": dt.datetime(2026, 1, 1, 0, modified, tzinfo=UTC),
    }


def test_listing_updates_in_place_and_removes_only_after_a_complete_pass():
    lst = Listing(TRAINING)
    lst.begin()
    assert lst.apply([_s("a"), _s("b")]).added == ["a", "b"]
    assert lst.finish() == []
    lst.begin()
    change = lst.apply([_s("a", "Failed", 1)])
    assert change.changed == ["a"] and change.added == []
    lst.abort()  # a failed pass removes nothing
    assert set(lst.summaries) == {"a", "b"}
    lst.begin()
    lst.apply([_s("a", "Failed", 1), _s("c")])
    assert lst.finish() == ["b"]
    assert set(lst.summaries) == {"a", "c"}


def test_describe_cache_follows_last_modified_and_ages_in_progress_rows():
    cache = DescribeCache(TRAINING, max_age=30)
    done = _s("a")
    cache.put("a", done, {"x": 1}, at=100.0)
    assert cache.fresh("a", done, at=10_000.0)  # finished: valid until it changes
    assert not cache.fresh("a", _s("a", modified=5), at=101.0)
    running = _s("b", "InProgress")
    cache.put("b", running, {}, at=100.0)
    assert cache.fresh("b", running, at=120.0) and not cache.fresh("b", running, at=131.0)


def test_times_are_compact_and_iso():
    now = dt.datetime(2026, 11, 27, 12, tzinfo=UTC)
    assert listing.age(now - dt.timedelta(minutes=3, seconds=4), now) == "3m04s"
    assert listing.age(now - dt.timedelta(hours=26), now) == "1d02h"
    assert listing.ago(now - dt.timedelta(seconds=5), now) == "5s ago"
    assert (
        listing.iso(dt.datetime(2026, 11, 27, 10, 4, 5, tzinfo=dt.timezone(dt.timedelta(hours=2))))
        == "2026-11-27T08:04:05Z"
    )
    assert listing.span(3 * 3600 + 4 * 60) == "3h04m"


def test_filter_substring_regex_and_invalid_regex():
    sub = compile_filter("Churn")  # a substring of any cell
    assert sub(("xgb-churn-spot", "completed")) and not sub(("bert",))
    rx = compile_filter("^xgb-.*spot$")  # a regex within one cell: anchors are the cell's start and end
    assert rx(("xgb-churn-spot", "completed")) and not rx(("a-xgb-churn-spot",))
    assert not rx(("xgb-churn", "spot"))  # never across cells
    with pytest.raises(FilterError, match="invalid regular expression"):
        compile_filter("churn(")
    assert compile_filter("") is None


def test_row_values_merge_summary_and_describe():
    summary = {"TrainingJobName": "j", "TrainingJobStatus": "Failed", "CreationTime": 1, "TrainingEndTime": 2}
    describe = {
        "ResourceConfig": {"InstanceType": "ml.p4d.24xlarge", "InstanceCount": 4},
        "FailureReason": "AlgorithmError: boom",
    }
    row = TRAINING.row_values(summary, describe)
    assert row["instances"] == "ml.p4d.24xlarge x4" and row["reason"] == "AlgorithmError: boom"
    assert TRAINING.row_values(summary)["instances"] is None  # not described yet: shown as pending
    ep = ENDPOINT.row_values(
        {"EndpointName": "e", "EndpointStatus": "InService"},
        {
            "ProductionVariants": [
                {"VariantName": "a", "CurrentInstanceCount": 2, "DesiredInstanceCount": 2},
                {"VariantName": "b", "CurrentInstanceCount": 1, "DesiredInstanceCount": 3},
            ]
        },
    )
    assert ep["variants"] == "a 2, b 1/3"


async def test_iter_pages_walks_every_page_of_more_than_100_jobs(sandbox, aws):
    from smtui.sandbox.fidelity_sagemaker import bulk_training_jobs

    prefix = f"pg{uuid.uuid4().hex[:6]}"
    names = bulk_training_jobs(sandbox, 230, prefix, start=dt.datetime(2019, 1, 1, tzinfo=UTC))
    seen: list[str] = []
    pages = 0
    async for summaries in listing.iter_pages(aws, TRAINING, ServerFilter(name_contains=prefix)):
        pages += 1
        seen += [s["TrainingJobName"] for s in summaries]
    assert sorted(seen) == sorted(names)
    assert pages >= 3
    # the server sorted them newest first because SortBy/SortOrder were sent
    assert seen == names


def test_big_listings_refresh_incrementally_with_a_full_pass_now_and_then():
    lst = Listing(TRAINING)
    assert lst.incremental_since() is None  # never listed: full
    lst.begin()
    lst.apply([_s("a", modified=1), _s("b", modified=7)])
    lst.finish(pages=1)
    assert lst.incremental_since() is None  # small: always full
    lst.begin()
    lst.apply([_s("a", modified=1), _s("b", modified=7)])
    lst.finish(pages=listing.INCREMENTAL_MIN_PAGES)
    since = lst.incremental_since()
    assert since == dt.datetime(2026, 1, 1, 0, 7, tzinfo=UTC) - listing.INCREMENTAL_OVERLAP
    for _ in range(listing.FULL_EVERY):
        lst.begin(partial=True)
        lst.apply([_s("c", modified=9)])
        assert lst.finish() == []  # a partial pass removes nothing
    assert set(lst.summaries) == {"a", "b", "c"}
    assert lst.incremental_since() is None  # time for a full pass
    assert list_params(TRAINING, modified_after=since)["LastModifiedTimeAfter"] == since

"""smtui's own footprint in the trail, and exports (``smtui trail --output``), against the seeded sandbox.

smtui's session sends ``smtui/<version>`` in its user agent (botocore's ``user_agent_extra``); the sandbox
records each call's User-Agent header as CloudTrail does, so these tests see the same records a real trail
would hold.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta

from test_trail_headless import run

from smtui import __version__
from smtui.aws.trail.parse import parse_time


def own_calls(sandbox, name):
    return [
        r
        for r in list(sandbox.recorder.events)
        if r.get("eventName") == name and f"smtui/{__version__}" in (r.get("userAgent") or "")
    ]


async def test_the_sandbox_records_smtuis_user_agent_and_trail_leaves_those_calls_out(sandbox, aws):
    before = {r["eventID"] for r in own_calls(sandbox, "ListProcessingJobs")}
    for _ in range(3):
        await aws.call("sagemaker", "list_processing_jobs", MaxResults=1)
    mine = [r for r in own_calls(sandbox, "ListProcessingJobs") if r["eventID"] not in before]
    assert len(mine) == 3
    assert all(f"smtui/{__version__}" in r["userAgent"] for r in mine)

    code, out, err = await run(aws, "--event-name", "ListProcessingJobs", "--since", "1h", "--json")
    assert code == 0
    shown = {json.loads(line)["eventId"] for line in out.splitlines()}
    assert not shown & {r["eventID"] for r in mine}
    assert "of smtui's own calls left out (--show-own includes them)" in err
    hidden = int(err.split("smtui trail: ", 1)[1].split(" ", 1)[0].replace(",", ""))
    assert hidden >= 3

    code, out, err = await run(
        aws, "--event-name", "ListProcessingJobs", "--since", "1h", "--json", "--show-own"
    )
    shown = {json.loads(line)["eventId"] for line in out.splitlines()}
    assert {r["eventID"] for r in mine} <= shown and "left out" not in err


def alice_ids(sandbox, days=30):
    start = datetime.now(UTC) - timedelta(days=days)
    return sorted(
        r["eventID"]
        for r in list(sandbox.recorder.events)
        if r.get("eventSource") == "sagemaker.amazonaws.com"
        and ((r.get("userIdentity") or {}).get("sessionContext") or {}).get("sourceIdentity") == "alice"
        and (parse_time(r.get("eventTime")) or start) >= start
    )


async def test_output_json_has_the_query_on_top_and_the_events(sandbox, aws):
    code, out, _ = await run(aws, "--source-identity", "alice", "--since", "30d", "--output", "json")
    assert code == 0
    doc = json.loads(out)
    assert set(doc) == {"query", "events"}
    q = doc["query"]
    assert "identity=alice" in q["filters"] and ".." in q["window"] and q["read with"] == "LookupEvents"
    assert q["event source"] == "sagemaker.amazonaws.com"
    assert sorted(e["eventId"] for e in doc["events"]) == alice_ids(sandbox)


async def test_output_csv_tsv_and_md_keep_every_event_and_field(sandbox, aws):
    want = alice_ids(sandbox)
    for fmt in ("csv", "tsv"):
        code, out, _ = await run(aws, "--source-identity", "alice", "--since", "30d", "--output", fmt)
        assert code == 0
        head = [line for line in out.splitlines() if line.startswith("# ")]
        assert any(line.startswith("# window: ") for line in head)
        assert any("identity=alice" in line for line in head)
        body = "\n".join(line for line in out.splitlines() if not line.startswith("# "))
        rows = list(csv.reader(io.StringIO(body), delimiter="," if fmt == "csv" else "\t"))
        header, data = rows[0], rows[1:]
        assert header[:3] == ["time (UTC)", "event", "sourceIdentity"]
        assert all(len(r) == len(header) for r in data)
        assert sorted(r[header.index("event id")] for r in data) == want
        assert {r[2] for r in data} == {"alice"}
    code, out, _ = await run(aws, "--source-identity", "alice", "--since", "30d", "--output", "md")
    lines = out.splitlines()
    assert lines[0] == "# CloudTrail events" and any(line.startswith("- **window**: ") for line in lines)
    table = [line for line in lines if line.startswith("| ") and "---" not in line]
    assert len(table) == len(want) + 1  # the header row and one row an event


async def test_output_summary_md_lists_identities(sandbox, aws):
    code, out, _ = await run(aws, "--since", "30d", "--summary", "--output", "md")
    assert code == 0
    assert out.startswith("# CloudTrail by sourceIdentity")
    rows = [line for line in out.splitlines() if line.startswith("| ") and "---" not in line]
    names = [r.split("|")[1].strip() for r in rows[1:]]
    assert {"alice", "bob"} <= set(names) and names[-1] == "(no sourceIdentity)"

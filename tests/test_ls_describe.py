"""`smtui ls` and `smtui describe` against the seeded sandbox, for every kind in the registry: what a script
gets (a table or JSON, cleaned), the filters, and clear failures."""

from __future__ import annotations

import json
import re

import pytest

from smtui.aws.resources import KINDS, TRAINING
from smtui.cli import build_parser
from smtui.config import Settings
from smtui.headless import describe as headless_describe
from smtui.headless import ls as headless_ls

CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


async def run(aws, capsys, command: str, *argv: str) -> tuple[int, str, str]:
    module = {"ls": headless_ls, "describe": headless_describe}[command]
    args = build_parser([command, *argv]).parse_args([command, *argv])
    rc = await module.run(args, aws, Settings())
    out, err = capsys.readouterr()
    return rc, out, err


@pytest.mark.parametrize("kind", KINDS, ids=lambda k: k.key)
async def test_every_kind_is_listed_and_described_with_the_demo_accounts_resources(kind, aws, capsys):
    rc, out, err = await run(aws, capsys, "ls", kind.key, "--json")
    assert rc == 0, err
    summaries = json.loads(out)
    assert summaries, f"the demo account has no {kind.title.lower()}"
    names = [kind.name_of(s) for s in summaries]
    created = [s["CreationTime"] for s in summaries]
    assert created == sorted(created, reverse=True)  # newest first, times as ISO 8601
    assert all(c.endswith("Z") for c in created)

    rc, table, _ = await run(aws, capsys, "ls", kind.aliases[-1])  # any word of the kind
    assert rc == 0
    head, *rows = table.splitlines()
    assert head.split()[:3] == ["NAME", "STATUS", "CREATED"]
    assert [r.split()[0] for r in rows] == names

    rc, out, err = await run(aws, capsys, "describe", kind.key, names[0], "--json")
    assert rc == 0, err
    doc = json.loads(out)
    assert kind.name_of(doc) == names[0] and "ResponseMetadata" not in doc
    rc, text, _ = await run(aws, capsys, "describe", kind.key, names[0])
    # (the name field holds the whole name, except a Studio app's: its name is domain/profile/type/app-name)
    assert rc == 0 and f"{kind.name_field}: {doc[kind.name_field]}" in text.splitlines()


async def test_status_name_and_since_filters_go_to_the_list_call(aws, capsys):
    rc, out, _ = await run(aws, capsys, "ls", "training", "--status", "Failed", "--json")
    assert rc == 0
    failed = json.loads(out)
    assert failed and {s["TrainingJobStatus"] for s in failed} == {"Failed"}
    rc, out, _ = await run(
        aws, capsys, "ls", "training", "--name-contains", "nightly", "--since", "3d", "--json"
    )
    nightly = json.loads(out)
    assert nightly and all("nightly" in s["TrainingJobName"] for s in nightly)
    rc, out, _ = await run(aws, capsys, "ls", "training", "--name-contains", "nightly", "--json")
    assert len(json.loads(out)) > len(nightly)  # the older ones are left out by --since


async def test_strings_from_aws_are_cleaned_in_the_table_and_in_json(aws, capsys):
    rc, out, _ = await run(aws, capsys, "describe", "training", "hostile-escapes-job")
    assert rc == 0 and out and not CONTROL.search(out.replace("\n", ""))
    rc, out, _ = await run(aws, capsys, "describe", "training", "hostile-escapes-job", "--json")
    assert rc == 0 and not CONTROL.search(json.dumps(json.loads(out), ensure_ascii=False))


async def test_clear_failures_unknown_kind_bad_status_and_missing_resource(aws, capsys):
    rc, _, err = await run(aws, capsys, "ls", "gpus")
    assert rc == 2 and "unknown kind 'gpus'" in err and "training" in err
    rc, _, err = await run(aws, capsys, "ls", "training", "--status", "Running")
    assert rc == 2 and "'Running' is not a status of training jobs" in err and "InProgress" in err
    rc, out, err = await run(aws, capsys, "describe", "training", "no-such-job-here")
    assert rc == 1 and out == ""
    assert "training job 'no-such-job-here' does not exist" in err and "request id" in err
    rc, out, err = await run(aws, capsys, "ls", TRAINING.key, "--name-contains", "zz-no-such-zz")
    assert rc == 0 and out == "" and "no training jobs matching name~zz-no-such-zz" in err

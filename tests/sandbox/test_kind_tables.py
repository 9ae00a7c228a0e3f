"""smtui's registry of kinds and the sandbox's own table (written separately, from the developer guide)
agree: the same kinds, the same List and Describe calls and fields, and the same log layout. A kind added
to one and not the other, or a log group typed differently, fails here."""

from __future__ import annotations

import pytest

from smtui.aws.resources import KINDS
from smtui.sandbox import kinds as sandbox_kinds


def test_the_same_kinds():
    assert {k.key for k in KINDS} == set(sandbox_kinds.KINDS)


@pytest.mark.parametrize("kind", KINDS, ids=lambda k: k.key)
def test_calls_fields_and_log_layout_agree(kind):
    theirs = sandbox_kinds.KINDS[kind.key]
    assert (kind.list_api, kind.describe_api) == (theirs.list_api, theirs.describe_api)
    assert (kind.name_field, kind.status_field) == (theirs.name_field, theirs.status_field)
    assert kind.log_group("some-name") == theirs.log_group.format(name="some-name")
    assert kind.stream_prefix("some-name") == theirs.stream_prefix.format(name="some-name")
    if kind.metrics_plan in ("hosts", "discovered-hosts"):  # a job's instance metrics
        assert kind.metrics_namespace == theirs.metrics_namespace

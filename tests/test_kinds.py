"""The generic parts of a kind that every kind leans on: statuses in any API's spelling, which streams of a
shared log group are a resource's own."""

from __future__ import annotations

import dataclasses

from smtui.aws.kinds.base import is_bad, status_style
from smtui.aws.resources import ENDPOINT, TRAINING


def test_statuses_read_the_same_in_every_apis_spelling():
    # ListCompilationJobs says COMPLETED and INPROGRESS where ListTrainingJobs says Completed and InProgress
    for a, b in (("Completed", "COMPLETED"), ("InProgress", "INPROGRESS"), ("Failed", "FAILED")):
        assert status_style(a) == status_style(b) != "dim"
    assert status_style("Stopped") == status_style("STOPPED") == "magenta"
    assert is_bad("FAILED") and is_bad("Failed") and not is_bad("Completed")


def test_a_resources_streams_are_its_own_not_a_longer_names():
    assert TRAINING.owns_stream("train", "train/algo-1-1700000000")
    assert not TRAINING.owns_stream("train", "train-2/algo-1-1700000000")
    assert ENDPOINT.owns_stream("churn", "AllTraffic/i-0abc")  # a log group of its own
    one_stream = dataclasses.replace(
        TRAINING, stream_prefix_fmt="{name}"
    )  # a kind logging to a stream named after it
    assert one_stream.owns_stream("opt", "opt") and one_stream.owns_stream("opt", "opt/part")
    assert not one_stream.owns_stream("opt", "opt-2")


def test_no_word_names_two_kinds():
    from collections import Counter

    from smtui.aws.resources import KINDS
    from smtui.commands import AUDIT_WORDS, QUIT_WORDS

    words = Counter(w for k in KINDS for w in dict.fromkeys((k.key, *k.aliases)))
    words.update((*AUDIT_WORDS, *QUIT_WORDS))
    assert [w for w, n in words.items() if n > 1] == []

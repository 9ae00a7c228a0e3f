"""The README's parts that follow from the code: the kinds table, the main screen's keys and the minimal IAM
policy, generated from the registry of kinds (:mod:`smtui.aws.resources`) and the calls smtui makes beside them.

``python -m smtui.docs`` rewrites them in README.md between their ``<!-- smtui.docs: NAME -->`` markers;
``--check`` only says whether README.md is up to date (a test runs it). No Textual, no botocore here.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import Any

from smtui.aws.resources import KINDS
from smtui.commands import AUDIT_KEY, AUDIT_WORDS

#: What smtui calls beside each kind's List, Describe and related calls: the Audit pane's domain check
#: (which Studio domains propagate user profile names as sourceIdentity).
SAGEMAKER_OTHER = ("sagemaker:ListDomains", "sagemaker:DescribeDomain")
#: The other services' read calls, one statement each (the least-privilege test removes one at a time).
STATEMENTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "LogsRead",
        (
            "logs:DescribeLogStreams", "logs:GetLogEvents", "logs:FilterLogEvents",
            "logs:StartLiveTail", "logs:DescribeLogGroups",
            "logs:StartQuery", "logs:GetQueryResults", "logs:StopQuery",
        ),
    ),
    ("MetricsRead", ("cloudwatch:GetMetricData", "cloudwatch:ListMetrics")),
    ("TrailRead", ("cloudtrail:LookupEvents", "cloudtrail:StartQuery", "cloudtrail:GetQueryResults")),
)  # fmt: skip


def sagemaker_actions() -> list[str]:
    """Every ``sagemaker:`` action smtui needs: each kind's, in registry order, then the others."""
    actions: list[str] = []
    for kind in KINDS:
        actions.extend(a for a in kind.iam_actions if a not in actions)
    actions.extend(a for a in SAGEMAKER_OTHER if a not in actions)
    return actions


def iam_policy() -> dict[str, Any]:
    """The minimal IAM policy: read-only, exactly what smtui calls."""
    statements = [("SageMakerRead", tuple(sagemaker_actions())), *STATEMENTS]
    return {
        "Version": "2012-10-17",
        "Statement": [
            {"Sid": sid, "Effect": "Allow", "Resource": "*", "Action": list(actions)}
            for sid, actions in statements
        ],
    }


def _policy_json(policy: dict[str, Any]) -> str:
    """The policy as the README shows it: one statement per line group, actions wrapped at 110 columns."""
    lines = ["{", '  "Version": "2012-10-17",', '  "Statement": [']
    for i, st in enumerate(policy["Statement"]):
        head = f'    {{"Sid": "{st["Sid"]}", "Effect": "Allow", "Resource": "*", "Action": ['
        lines.append(head)
        row = "     "
        quoted = [json.dumps(a) for a in st["Action"]]
        for j, a in enumerate(quoted):
            piece = f" {a}" + ("," if j < len(quoted) - 1 else "]}")
            if len(row) + len(piece) > 110:
                lines.append(row)
                row = "     "
            row += piece
        lines.append(row + ("," if i < len(policy["Statement"]) - 1 else ""))
    lines += ["  ]", "}"]
    return "\n".join(lines)


def policy_block() -> str:
    return f"```json\n{_policy_json(iam_policy())}\n```"


def kinds_table() -> str:
    """One row a kind: its key, its words for ``:`` and the headless commands, and its logs."""
    rows = [
        "| kind | key | words (`:` and `smtui ls/describe/logs KIND`) | CloudWatch logs |",
        "|---|---|---|---|",
    ]
    for kind in KINDS:
        words = " ".join(f"`{w}`" for w in dict.fromkeys((kind.key, *kind.aliases)))
        if kind.has_logs:
            prefix = kind.stream_prefix_fmt.format(name="NAME")
            logs = f"`{kind.log_group_fmt.format(name='NAME')}`" + (
                f", streams `{prefix}*`" if prefix else ""
            )
        else:
            logs = "none"
        rows.append(f"| {kind.title} | {kind.pane_key or ':'} | {words} | {logs} |")
    audit = " ".join(f"`{w}`" for w in AUDIT_WORDS)
    rows.append(f"| Audit (CloudTrail) | {AUDIT_KEY} | {audit} | |")
    return "\n".join(rows)


def main_keys() -> str:
    """The keys table's main-screen row."""
    numbered = " · ".join(f"`{k.pane_key}` {k.title.lower()}" for k in KINDS if k.pane_key)
    others = ", ".join(f"`:{k.aliases[0] if k.aliases else k.key}`" for k in KINDS if not k.pane_key)
    colon = "`:` command line (a kind's word: `:ep`, `:training`, `:tj llama`"
    colon += f", {others}" if others else ""
    colon += ", `:audit`; tab completes)"
    return f"| main screen | {numbered} · `{AUDIT_KEY}` audit · {colon} |"


PARTS = {"kinds": kinds_table, "main-keys": main_keys, "policy": policy_block}
_MARK = re.compile(r"(<!-- smtui\.docs: (?P<name>[a-z-]+) -->\n)(?P<body>.*?)(\n<!-- /smtui\.docs -->)", re.S)


def render(readme: str) -> str:
    """``readme`` with every generated part brought up to date."""
    return _MARK.sub(lambda m: m.group(1) + PARTS[m.group("name")]() + m.group(4), readme)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m smtui.docs", description=__doc__)
    parser.add_argument("--check", action="store_true", help="exit 1 if README.md is not up to date")
    parser.add_argument("--readme", type=Path, default=Path(__file__).resolve().parents[1] / "README.md")
    args = parser.parse_args(argv)
    text = args.readme.read_text(encoding="utf-8")
    found = {m.group("name") for m in _MARK.finditer(text)}
    if found != set(PARTS):
        sys.stderr.write(f"{args.readme}: markers missing for {sorted(set(PARTS) - found)}\n")
        return 1
    new = render(text)
    if args.check:
        if new != text:
            sys.stderr.write(f"{args.readme} is out of date: run python -m smtui.docs\n")
            return 1
        return 0
    if new != text:
        args.readme.write_text(new, encoding="utf-8")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())

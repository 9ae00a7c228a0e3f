"""The house rules that a reader of the code relies on, checked: the layering contracts (import-linter, as in
pyproject.toml), no module over the size a reader can hold, and every environment variable smtui reads is
documented in smtui/config.py."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SMTUI = ROOT / "smtui"
#: lines a module may have (the house rule says "about 500"; ruff format's line count)
MODULE_LINES = 520


def test_import_contracts_are_kept(capsys):
    """smtui.aws, smtui.headless and the other non-UI modules import no Textual, no screen or widget imports
    the sandbox, and no module of smtui takes part in an import circle, at any level (the contracts are in
    pyproject.toml; ``lint-imports`` runs the same)."""
    from importlinter.cli import lint_imports

    status = lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True, no_logo=True)
    report = capsys.readouterr().out
    assert status == 0, report
    assert "3 kept, 0 broken" in report


#: modules still over the limit, each with the issue whose work splits it (the list only shrinks)
OVERSIZED: dict[str, str] = {}


@pytest.mark.parametrize("path", sorted(SMTUI.rglob("*.py")), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_module_outgrows_what_a_reader_can_hold(path):
    name = str(path.relative_to(ROOT))
    lines = path.read_text(encoding="utf-8").count("\n")
    if name in OVERSIZED:
        assert lines > MODULE_LINES, f"{name} is split now: take it off OVERSIZED"
        pytest.xfail(f"{name}: {lines} lines, split by {OVERSIZED[name]}")
    assert lines <= MODULE_LINES, f"{name} has {lines} lines: split it along its concepts"


def test_every_environment_variable_smtui_reads_is_documented():
    from smtui.config import ENVIRONMENT

    read = set()
    for path in SMTUI.rglob("*.py"):
        if "sandbox" in path.parts:
            continue  # the sandbox is a separate program; its variables are moto's
        read |= set(re.findall(r"""["'](SMTUI_[A-Z_]+)["']""", path.read_text(encoding="utf-8")))
    assert read <= set(ENVIRONMENT), sorted(read - set(ENVIRONMENT))
    doc = (SMTUI / "config.py").read_text(encoding="utf-8").split('"""')[1]
    assert all(var in doc for var in ENVIRONMENT), [v for v in ENVIRONMENT if v not in doc]


def test_the_readme_shows_the_kinds_keys_and_policy_the_registry_generates():
    """README.md's kinds table, main-screen keys and IAM policy are `python -m smtui.docs`'s output."""
    from smtui import docs

    readme = ROOT / "README.md"
    assert docs.main(["--check", "--readme", str(readme)]) == 0, (
        "README.md is stale: run python -m smtui.docs"
    )
    assert (
        json.loads(re.search(r"```json\n(.*?)```", docs.policy_block(), re.S).group(1)) == docs.iam_policy()
    )

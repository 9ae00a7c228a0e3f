"""The command line as a user meets it: exit codes and one-sentence messages, never a traceback."""

from __future__ import annotations

import os
import subprocess
import sys


def _run(*args: str, env: dict[str, str] | None = None, home: str) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    base.update(
        {"HOME": home, "AWS_EC2_METADATA_DISABLED": "true", "XDG_CONFIG_HOME": os.path.join(home, ".config")}
    )
    base.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "smtui", *args],
        capture_output=True,
        text=True,
        env=base,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )


def test_no_credentials_exits_2_with_one_sentence(tmp_path):
    r = _run(home=str(tmp_path))
    assert r.returncode == 2
    assert "no AWS credentials found" in r.stderr and "--demo" in r.stderr
    assert "Traceback" not in r.stderr


def test_no_region_exits_2(tmp_path):
    r = _run(home=str(tmp_path), env={"AWS_ACCESS_KEY_ID": "AKIAEXAMPLE", "AWS_SECRET_ACCESS_KEY": "x"})
    assert r.returncode == 2
    assert "no AWS region" in r.stderr and "Traceback" not in r.stderr


def test_bad_settings_file_names_file_line_and_key(tmp_path):
    cfg = tmp_path / ".config" / "smtui"
    cfg.mkdir(parents=True)
    (cfg / "config.toml").write_text('region = "eu-west-1"\nrefresh_interval = "often"\n')
    r = _run(home=str(tmp_path))
    assert r.returncode == 2
    assert str(cfg / "config.toml") in r.stderr and "line 2" in r.stderr and "refresh_interval" in r.stderr
    assert "Traceback" not in r.stderr


def test_version(tmp_path):
    r = _run("--version", home=str(tmp_path))
    assert r.returncode == 0 and r.stdout.startswith("smtui ")

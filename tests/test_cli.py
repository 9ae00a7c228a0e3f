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


def test_global_options_are_taken_before_or_after_the_command():
    from smtui.cli import build_parser

    def parse(*argv: str):
        return build_parser(list(argv)).parse_args(list(argv))

    after = parse("logs", "training", "job-1", "--region", "eu-west-1", "--profile", "ml", "--demo")
    before = parse("--region", "eu-west-1", "--profile", "ml", "--demo", "logs", "training", "job-1")
    for args in (after, before):
        assert (args.region, args.profile, args.demo, args.command) == ("eu-west-1", "ml", True, "logs")
    # given in both places, the one after the command wins (as with the AWS CLI)
    both = parse("--region", "us-east-1", "trail", "--region", "eu-west-2")
    assert both.region == "eu-west-2"
    # not given after the command: the one before stays
    assert parse("--endpoint-url", "http://127.0.0.1:9", "trail", "--since", "2h").endpoint_url == (
        "http://127.0.0.1:9"
    )


def _sandbox_env(sandbox, home: str) -> dict[str, str]:
    from smtui.sandbox.server import ADMIN_KEY, ADMIN_SECRET

    return {"AWS_ACCESS_KEY_ID": ADMIN_KEY, "AWS_SECRET_ACCESS_KEY": ADMIN_SECRET}


def test_logs_with_region_and_endpoint_after_the_command_runs(sandbox, tmp_path):
    r = _run(
        "logs", "training", "resnet50-imagenet", "--region", sandbox.region, "--endpoint-url", sandbox.url,
        home=str(tmp_path), env=_sandbox_env(sandbox, str(tmp_path)),
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    assert "OutOfMemoryError" in r.stdout  # the failed job's last words, from its log stream


def _complete(line: str, tmp_path, env: dict[str, str] | None = None) -> list[str]:
    """What the shell would be offered for ``line`` (argcomplete's protocol, output to a file)."""
    out = tmp_path / "completions"
    full = {
        "_ARGCOMPLETE": "1",
        "_ARGCOMPLETE_IFS": "\n",
        "COMP_LINE": line,
        "COMP_POINT": str(len(line)),
        "_ARGCOMPLETE_STDOUT_FILENAME": str(out),
        **(env or {}),
    }
    _run(home=str(tmp_path), env=full)
    return [w.strip() for w in out.read_text().split("\n")] if out.exists() else []


def test_shell_completion_of_commands_kinds_options_and_resource_names(sandbox, tmp_path):
    assert "logs" in _complete("smtui lo", tmp_path)
    assert {"training", "transform"} <= set(_complete("smtui logs tr", tmp_path))
    assert "--region" in _complete("smtui logs training job --reg", tmp_path)
    names = _complete(
        f"smtui --region {sandbox.region} --endpoint-url {sandbox.url} logs training resnet5",
        tmp_path,
        env=_sandbox_env(sandbox, str(tmp_path)),
    )
    assert names == ["resnet50-imagenet"]

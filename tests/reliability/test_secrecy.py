"""Secrets stay secret: the secret key, the session token and request signatures never appear on screen
(the bytes written to a pty, and Pilot screenshots), in a saved log file, in error messages, or in smtui's
own debug log (``--debug-log FILE``), even while requests fail (expired credentials, AccessDenied)."""

from __future__ import annotations

import logging
import re
import sys

from support import TRAINING_GROUP, make_job, now_ms, put_lines, screen_text, until

from smtui.app import SmtuiApp
from smtui.aws.session import AwsError, AwsSession
from smtui.debuglog import RedactingFormatter, redact

from .test_hostile_terminal import Terminal, _env

SIGNATURE = re.compile(rb"Signature=[0-9a-f]{16,}")


def _secrets(creds: dict[str, str]) -> list[bytes]:
    return [
        creds["aws_secret_access_key"].encode(),
        creds["aws_session_token"].encode(),
        creds["aws_session_token"][:40].encode(),
    ]


def test_no_secret_on_the_terminal_in_the_debug_log_or_a_saved_file(own_sandbox, tmp_path):
    sb = own_sandbox()
    name = "secrecy-job"
    make_job(sb, name)
    put_lines(
        sb,
        TRAINING_GROUP,
        f"{name}/algo-1-1700000000",
        [(now_ms() - 1000 + i, f"line {i}") for i in range(3)],
    )
    creds = sb.studio_credentials("alice")  # temporary credentials: key, secret and session token
    env = _env(sb)
    env.update(
        AWS_ACCESS_KEY_ID=creds["aws_access_key_id"],
        AWS_SECRET_ACCESS_KEY=creds["aws_secret_access_key"],
        AWS_SESSION_TOKEN=creds["aws_session_token"],
    )
    debug_log = tmp_path / "debug.log"
    saved = tmp_path / f"{name}.log"  # the suggested name, in smtui's working directory
    term = Terminal(
        [
            sys.executable,
            "-m",
            "smtui",
            "--endpoint-url",
            sb.url,
            "--region",
            sb.region,
            "--debug-log",
            str(debug_log),
        ],
        env,
        cwd=str(tmp_path),
    )
    try:
        term.wait(b"Endpoints")
        m = term.mark()
        term.press("2")
        term.wait(name.encode(), m)
        m = term.mark()
        term.press("l")  # logs of the selected job
        term.wait(b"line 2", m)
        m = term.mark()
        term.press("\x13")  # ctrl+s: save
        term.wait(b"secrecy-job.log", m)  # the prompt, with a suggested path
        term.press("\r")
        term.wait(b"Saved", m)
        m = term.mark()
        sb.expire_credentials()  # every call now fails: the errors are shown
        term.wait(b"ExpiredTokenException", m)
        term.wait(b"Your AWS credentials have expired", m)
    finally:
        term.close()
        sb.restore_credentials()
    out = term.bytes()
    assert saved.read_text().count("line ") == 3
    log_text = debug_log.read_bytes()
    assert log_text, "the debug log is empty: nothing was checked"
    for where, data in (("terminal", out), ("debug log", log_text), ("saved file", saved.read_bytes())):
        for secret in _secrets(creds):
            assert secret not in data, (where, secret[:6])
        assert not SIGNATURE.search(data), where
        assert b"X-Amz-Security-Token" not in data and b"AWS4-HMAC-SHA256 Credential" not in data, where


async def test_no_secret_in_screenshots_or_error_messages(own_sandbox):
    sb = own_sandbox()
    creds = sb.studio_credentials("bob")
    app = SmtuiApp(target=sb.target(creds))
    sb.expire_credentials(creds["aws_access_key_id"])
    try:
        async with app.run_test(size=(160, 45)) as pilot:
            await pilot.press("2")
            pane = app.screen_stack[0].pane("training")
            await until(pilot, lambda: pane.error is not None, what="the error in the pane")
            shots = screen_text(app)
            await pilot.press("escape")
            shots += screen_text(app)
            for secret in _secrets(creds):
                assert secret.decode() not in shots
                assert secret.decode() not in pane.error.details()
            assert not SIGNATURE.search(shots.encode())
    finally:
        sb.restore_credentials()
    # AwsError made from any exception never carries what the request was signed with
    aws = AwsSession(sb.target(creds))
    try:
        sb.expire_credentials()
        try:
            await aws.call("logs", "describe_log_groups")
        except AwsError as err:
            text = err.details() + repr(err) + str(err)
            assert all(s.decode() not in text for s in _secrets(creds))
    finally:
        sb.restore_credentials()
        await aws.close()
    assert "secret" not in repr(sb.target(creds)).lower() and creds["aws_secret_access_key"] not in repr(
        sb.target(creds)
    )


def test_debug_log_redacts_what_botocore_would_log():
    """Even if a library logged request headers at DEBUG (botocore does when its logger is at DEBUG), the
    formatter takes out the signature, the session token and the secret."""
    record = logging.LogRecord(
        "botocore.endpoint",
        logging.DEBUG,
        __file__,
        1,
        "Sending http request: <AWSPreparedRequest headers={'X-Amz-Target': b'Logs_20140328.GetLogEvents', "
        "'Authorization': b'AWS4-HMAC-SHA256 Credential=ASIAEXAMPLEEXAMPLE12/20261128/eu-west-1/logs/aws4_request, "
        "SignedHeaders=host;x-amz-date;x-amz-security-token, Signature=0123456789abcdef0123456789abcdef', "
        "'X-Amz-Security-Token': b'FQoGZXIvYXdzEBYaDB5Z+/SESSION=='}>",
        None,
        None,
    )
    line = RedactingFormatter("%(message)s").format(record)
    assert (
        "0123456789abcdef" not in line and "FQoGZXIvYXdz" not in line and "ASIAEXAMPLEEXAMPLE12" not in line
    )
    assert "GetLogEvents" in line  # the rest is kept
    assert redact("aws_secret_access_key = wJalrXUtnFEMI/K7MDENG") == "aws_secret_access_key = <redacted>"
    assert "wJalr" not in redact('{"SecretAccessKey": "wJalrXUtnFEMI/K7MDENG", "SessionToken": "FQoG"}')

from __future__ import annotations

import pytest

from smtui.config import ConfigError, load_settings


def test_file_then_environment(tmp_path):
    f = tmp_path / "c.toml"
    f.write_text('profile = "ml"\nrefresh_interval = 5\n[keys]\n"pane.training" = "2,t"\n')
    s = load_settings(f, env={"SMTUI_REFRESH_INTERVAL": "30", "SMTUI_REGION": "eu-west-1"})
    assert (s.profile, s.region, s.refresh_interval, s.keys) == (
        "ml",
        "eu-west-1",
        30.0,
        {"pane.training": "2,t"},
    )


@pytest.mark.parametrize(
    "body, expected",
    [
        ("log_line_cap = 12.5\n", "line 1: log_line_cap must be a whole number"),
        ("\n\nthem = 'x'\n", "line 3: unknown setting 'them'"),
        ("refresh_interval = 0\n", "between 1 and 3600"),
        ("region = [\n", "not valid TOML"),
    ],
)
def test_bad_file_is_a_clear_message(tmp_path, body, expected):
    f = tmp_path / "c.toml"
    f.write_text(body)
    with pytest.raises(ConfigError) as info:
        load_settings(f, env={})
    assert str(f) in str(info.value) and expected in str(info.value)


def test_bad_environment_value(tmp_path):
    with pytest.raises(ConfigError, match="SMTUI_LOG_LINE_CAP"):
        load_settings(tmp_path / "none.toml", env={"SMTUI_LOG_LINE_CAP": "lots"})

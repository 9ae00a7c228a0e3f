"""Settings: a TOML file in the XDG config directory, overridden by ``SMTUI_*`` environment variables.

``$XDG_CONFIG_HOME/smtui/config.toml`` (default ``~/.config/smtui/config.toml``)::

    profile = "ml-prod"          # default AWS profile
    region = "us-east-1"         # default region
    refresh_interval = 10        # seconds between list refreshes
    log_line_cap = 1000000       # lines kept per log view, oldest dropped
    theme = "textual-dark"
    live_tail = "auto"           # follow logs with StartLiveTail: auto (on real AWS), on, off
    trail_lake = "EDS_ID"        # audit server-side in this CloudTrail Lake event data store (--trail-lake)
    trail_log_group = "NAME"     # ... or with Logs Insights on this trail log group (--trail-log-group)
    trail_athena = "TABLE"       # ... or with Athena on this CloudTrail table, [DATABASE.]TABLE (--trail-athena)
    athena_workgroup = "primary" # the Athena workgroup of those queries (--athena-workgroup)
    athena_output = "s3://..."   # where Athena writes their results (--athena-output; else the workgroup's)

    [keys]                       # binding id = keys, as Textual's App.set_keymap takes them
    "pane.training" = "2,t"

Environment: ``SMTUI_CONFIG`` (another file), and ``SMTUI_<SETTING>`` for every setting but ``keys``:
``SMTUI_PROFILE``, ``SMTUI_REGION``, ``SMTUI_REFRESH_INTERVAL``, ``SMTUI_LOG_LINE_CAP``, ``SMTUI_THEME``,
``SMTUI_LIVE_TAIL``, ``SMTUI_TRAIL_LAKE``, ``SMTUI_TRAIL_LOG_GROUP``, ``SMTUI_TRAIL_ATHENA``,
``SMTUI_ATHENA_WORKGROUP``, ``SMTUI_ATHENA_OUTPUT``. smtui reads no other variable of its own
(:data:`ENVIRONMENT` lists them; a test checks the code against it).
A bad file or value raises :class:`ConfigError` whose message names the file, line and key.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any


class ConfigError(Exception):
    """A settings problem, with a message fit to print as it is."""


@dataclass
class Settings:
    profile: str | None = None
    region: str | None = None
    refresh_interval: float = 10.0
    log_line_cap: int = 1_000_000
    theme: str = "textual-dark"
    live_tail: str = "auto"
    trail_lake: str | None = None
    trail_log_group: str | None = None
    trail_athena: str | None = None
    athena_workgroup: str | None = None
    athena_output: str | None = None
    keys: dict[str, str] = field(default_factory=dict)
    source: Path | None = None

    @property
    def live_tail_choice(self) -> bool | None:
        """StartLiveTail for follows: ``True`` (on), ``False`` (off) or ``None`` (auto: on real AWS only)."""
        return {"on": True, "off": False}.get(self.live_tail)


_LIMITS: dict[str, tuple[float, float]] = {
    "refresh_interval": (1.0, 3600.0),
    "log_line_cap": (1_000, 10_000_000),
}


#: every setting that an environment variable can set, and the file's own variable
ENVIRONMENT: tuple[str, ...] = (
    "SMTUI_CONFIG",
    *(f"SMTUI_{f.name.upper()}" for f in fields(Settings) if f.name not in ("keys", "source")),
)

_CHOICES: dict[str, tuple[str, ...]] = {"live_tail": ("auto", "on", "off")}


def config_path(env: Mapping[str, str] | None = None) -> Path:
    env = os.environ if env is None else env
    if env.get("SMTUI_CONFIG"):
        return Path(env["SMTUI_CONFIG"]).expanduser()
    base = env.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base).expanduser() / "smtui" / "config.toml"


def _line_of(text: str, key: str) -> int | None:
    pattern = re.compile(rf"^[ \t]*[\"']?{re.escape(key)}[\"']?[ \t]*=", re.MULTILINE)
    m = pattern.search(text)
    return text.count("\n", 0, m.start()) + 1 if m else None


def _coerce(name: str, value: Any, where: str) -> Any:
    kind = {f.name: f.type for f in fields(Settings)}[name]
    try:
        if kind in ("float",):
            if isinstance(value, bool):
                raise ValueError
            value = float(value)
        elif kind in ("int",):
            if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
                raise ValueError
            value = int(value)
        elif name == "keys":
            if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
                raise ValueError
        elif value is not None and not isinstance(value, str):
            raise ValueError
    except (TypeError, ValueError):
        expected = {"float": "a number", "int": "a whole number"}.get(str(kind), "text")
        if name == "keys":
            expected = 'a table of binding id = "keys"'
        raise ConfigError(f"{where}: {name} must be {expected}, not {value!r}") from None
    if name in _CHOICES and value not in _CHOICES[name]:
        raise ConfigError(f"{where}: {name} must be one of {', '.join(_CHOICES[name])}, not {value!r}")
    if name in _LIMITS:
        lo, hi = _LIMITS[name]
        if not lo <= value <= hi:
            raise ConfigError(f"{where}: {name} must be between {lo:g} and {hi:g}, not {value!r}")
    return value


def load_settings(path: Path | None = None, env: dict[str, str] | None = None) -> Settings:
    """Read the settings file (if any) and apply ``SMTUI_*`` overrides."""
    env = dict(os.environ if env is None else env)
    path = path or config_path(env)
    settings = Settings()
    known = {f.name for f in fields(Settings)} - {"source"}
    if path.is_file():
        import tomllib

        text = path.read_text(encoding="utf-8", errors="replace")
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{path}: not valid TOML: {exc}") from None
        for key, value in data.items():
            line = _line_of(text, key)
            where = f"{path}, line {line}" if line else str(path)
            if key not in known:
                raise ConfigError(f"{where}: unknown setting {key!r} (known: {', '.join(sorted(known))})")
            setattr(settings, key, _coerce(key, value, where))
        settings.source = path
    for name in known - {"keys"}:
        var = f"SMTUI_{name.upper()}"
        if env.get(var):
            setattr(settings, name, _coerce(name, env[var], f"environment variable {var}"))
    return settings

"""Scenario files anywhere on disk, as the overrides that put them in a run's config.

A scenario file has the shape of ``configs/scenario/*.yaml`` (``name``, ``description``,
``events``). It becomes override strings (``scenario.events=[{kind:outage,...}]``) rather
than a search path, so a run's saved overrides hold the whole scenario: a worker, a sweep
job or a later reader needs nothing but them. The composed config is then validated like
any other, event by event.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from cxsim.config.rules import ConfigError

SUFFIXES = (".yaml", ".yml")
"""What marks a scenario given by path rather than by name."""

FIELDS = ("name", "description", "events")
"""The keys a scenario file may hold."""


def is_scenario_file(item: str) -> bool:
    """Whether a command-line scenario names a file (by its suffix) rather than a config."""
    return item.lower().endswith(SUFFIXES)


def hydra_literal(value: Any) -> str:
    """A value in Hydra's override grammar, strings quoted (``a+b`` and ``*`` are targets)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, list):
        return "[" + ",".join(hydra_literal(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ",".join(f"{k}:{hydra_literal(v)}" for k, v in value.items()) + "}"
    text = str(value).replace("\\", "\\\\").replace("'", "\\'")
    return f"'{text}'"


def scenario_file_overrides(path: str | Path) -> tuple[str, list[str]]:
    """Read a scenario file and return its name and the overrides that apply it.

    Args:
        path: A YAML file shaped like ``configs/scenario/*.yaml``.

    Returns:
        The scenario's ``name`` (the file's stem when it has none) and its overrides.

    Raises:
        ConfigError: naming the file when it is missing, is not YAML or holds a key a
            scenario does not have. The events themselves are checked with the config.

    Example:
        >>> import tempfile, pathlib
        >>> f = pathlib.Path(tempfile.mkdtemp()) / "sale.yaml"
        >>> _ = f.write_text("events: [{kind: price_change, start: 10, value: -0.1}]")
        >>> print(scenario_file_overrides(f)[1][-1])
        scenario.events=[{kind:'price_change',start:10,value:-0.1}]
    """
    if not isinstance(path, str | Path):
        raise ConfigError("scenario", path, "must be a path to a YAML file")
    file = Path(path)
    if not file.is_file():
        raise ConfigError("scenario", str(path), "no such file")
    try:
        content = yaml.safe_load(file.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        reason = str(exc).splitlines()[0]
        raise ConfigError("scenario", str(path), f"not a YAML file ({reason})") from None
    if content is None:
        content = {}
    if not isinstance(content, dict):
        raise ConfigError("scenario", str(path), "must hold name, description and events")
    unknown = [k for k in content if k not in FIELDS]
    if unknown:
        raise ConfigError(
            f"scenario.{unknown[0]}", str(path), f"a scenario file holds only {', '.join(FIELDS)}"
        )
    events = content.get("events") or []
    if not isinstance(events, list) or not all(isinstance(e, dict) for e in events):
        raise ConfigError("scenario.events", str(path), "must be a list of events (mappings)")
    name = str(content.get("name") or file.stem)
    overrides = [
        f"scenario.name={hydra_literal(name)}",
        f"scenario.description={hydra_literal(str(content.get('description', '')))}",
        f"scenario.events={hydra_literal(events)}",
    ]
    return name, overrides

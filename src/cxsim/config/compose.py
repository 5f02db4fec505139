"""Compose configurations: Hydra override strings to a validated :class:`CXSimConfig`.

:func:`load_config` composes ``configs/config.yaml`` with overrides and validates it
(reusing compositions that differ only in plain values: :mod:`.compositions`);
:func:`check_configs` validates the many override lists of a sweep quickly;
:func:`config_error` reduces Hydra's and OmegaConf's errors to one line.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import fields, is_dataclass
from pathlib import Path
from typing import Any

from hydra import compose, initialize_config_dir
from hydra.core.override_parser.overrides_parser import OverridesParser
from hydra.core.override_parser.types import Override
from hydra.errors import HydraException, MissingConfigException
from omegaconf import DictConfig, OmegaConf, open_dict
from omegaconf.errors import OmegaConfBaseException

from cxsim.config.compositions import compose_fresh, composed, config_dir, split
from cxsim.config.rules import ConfigError
from cxsim.config.schema import CXSimConfig, register
from cxsim.config.validate import validate

COMPOSITION_ERRORS = (HydraException, OmegaConfBaseException, ConfigError, ValueError)
"""What composing a bad override list raises (ValueError: Hydra's own for an override
without a key, ``=5``); :func:`config_error` makes each one line."""

_TYPE_WORDS = {
    "Integer": "must be an integer",
    "Float": "must be a number",
    "Boolean": "must be true or false",
}


def override_text(value: Any) -> str:
    """A Python value as Hydra's override grammar writes it (``True`` -> ``true``).

    Example:
        >>> [override_text(v) for v in (True, None, 0.5, "web_outage")]
        ['true', 'null', '0.5', 'web_outage']
    """
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    return str(value)


def _override_value(overrides: Sequence[str], key: str) -> str | None:
    for item in reversed(overrides):  # the last override of a key is the one that counts
        k, _, v = item.lstrip("+~").partition("=")
        if k == key:
            return v
    return None


def config_error(exc: BaseException, overrides: Sequence[str] = ()) -> ConfigError:
    """Reduce a Hydra/OmegaConf composition error to one :class:`ConfigError` line."""
    if isinstance(exc, ConfigError):
        return exc
    if isinstance(exc, MissingConfigException) and exc.options is not None:
        group, _, name = (exc.missing_cfg_file or "").rpartition("/")
        return ConfigError(group, name, f"must be one of {', '.join(sorted(exc.options))}")
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, OmegaConfBaseException) and getattr(seen, "full_key", None):
            key = seen.full_key
            value = _override_value(overrides, key)
            first = str(getattr(seen, "msg", seen)).splitlines()[0]
            match = re.search(r"converted to (\w+)", first)
            if match and match.group(1) in _TYPE_WORDS:
                # the value that failed, not the key's last override (days=abc ... days=10)
                bad = re.search(r"Value '([^']*)'", first)
                return ConfigError(key, bad.group(1) if bad else value, _TYPE_WORDS[match.group(1)])
            if "not in" in first:
                return _unknown_key(exc, seen, key, value, overrides)
            if "does not support deletion" in first:
                return ConfigError(f"~{key}", None, "cannot be deleted: the schema needs it")
            return ConfigError(key, value, first)
        seen = seen.__cause__ or seen.__context__
    message = " ".join(str(exc).split())
    return ConfigError("overrides", " ".join(overrides), message)


def _unknown_key(
    exc: BaseException,
    inner: OmegaConfBaseException,
    key: str,
    value: str | None,
    overrides: Sequence[str],
) -> ConfigError:
    """A key the schema does not have, named where the user wrote it.

    Inside a list of records (``scenario.events=[{...,colour:red}]``) OmegaConf names only
    the field: the message names the override it came from, the value and the fields the
    record has.
    """
    outer = re.search(r"Could not override '([^']+)'", str(exc))
    record = getattr(inner, "object_type", None)
    unknown = "no such key (`cxsim --cfg job` lists the keys)"
    if outer is not None and (outer.group(1) + ".").startswith(key + "."):
        # a part of the override's own path is unknown (incentive.kind=...): name it whole
        return ConfigError(outer.group(1), _override_value(overrides, outer.group(1)), unknown)
    if value is not None or outer is None or not is_dataclass(record):
        return ConfigError(key, value, unknown)
    written = re.search(rf"\b{re.escape(key)}\s*:\s*'?([^,}}\]']*)", str(exc))
    known = ", ".join(f.name for f in fields(record))
    return ConfigError(
        f"{outer.group(1)}.{key}",
        written.group(1).strip() if written else None,
        f"no such field of {record.__name__.removesuffix('Config').lower()}s; one of {known}",
    )


def override_list(overrides: Any, name: str = "overrides") -> list[str]:
    """``overrides`` as a list of override strings, or a one-line TypeError.

    A string is refused rather than split into its characters
    (``cxsim.run("customers.n=300")``).

    Example:
        >>> override_list(("days=30",))
        ['days=30']
        >>> override_list("days=30")
        Traceback (most recent call last):
        ...
        TypeError: overrides='days=30': must be a list of override strings, e.g. ['days=30']
    """
    if overrides is None:
        return []
    if isinstance(overrides, str):
        raise TypeError(
            f"{name}={overrides!r}: must be a list of override strings, e.g. [{overrides!r}]"
        )
    if (
        isinstance(overrides, Mapping)
        or not isinstance(overrides, Iterable)
        or not all(isinstance(o, str) for o in overrides)
    ):
        raise TypeError(
            f"{name}={overrides!r}: must be a list of override strings such as 'days=30'"
        )
    return list(overrides)


def load_config(overrides: Sequence[str] | None = None) -> CXSimConfig:
    """Compose ``configs/config.yaml`` with Hydra overrides and validate every value.

    Args:
        overrides: Hydra override strings, e.g. ``["customers.n=5000", "days=180"]``.

    Returns:
        The typed, validated configuration.

    Raises:
        ConfigError: one line naming the bad key, its value and what is allowed.

    Example:
        >>> load_config(["days=30"]).days
        30
    """
    overrides = override_list(overrides)
    register()
    try:
        parsed = OverridesParser.create().parse_overrides(overrides)
        _check_choices(parsed)
        return validate(composed(parsed, overrides))
    except COMPOSITION_ERRORS as exc:
        raise config_error(exc, overrides) from exc


def _check_choices(overrides: Iterable[Override]) -> None:
    """Each config group's choice must name one of its files, optional groups' too.

    Hydra skips an ``optional`` group whose file is missing (``experiment=sbg_dockin``
    would run the reference company); no choice of the user's may vanish so. Nor may a
    ``key={}``, which Hydra merges into the current mapping as nothing.
    """
    for override in overrides:
        if override.is_delete() or override.package or override.is_sweep_override():
            continue
        key, value = override.key_or_group, override.value()
        if key.startswith("hydra"):  # Hydra's plugins add options; Hydra checks them
            continue
        if value == {}:
            raise ConfigError(
                key,
                {},
                "an empty mapping is merged into the current one and changes nothing "
                f"(remove an entry with ~{key}.NAME)",
            )
        group = config_dir() / key
        if group.is_dir() and isinstance(value, str) and not (group / f"{value}.yaml").is_file():
            options = sorted(p.stem for p in group.glob("*.yaml"))
            raise ConfigError(key, value, f"must be one of {', '.join(options)}")


CALLBACKS_ALLOWED = ("cxsim.", "hydra.")
"""Modules whose Hydra callbacks a composed config may name without the user's consent."""
ALLOW_CALLBACKS = "CXSIM_ALLOW_CALLBACKS"


def load_command_config(overrides: Sequence[str]) -> CXSimConfig:
    """The validated config of a command line, Hydra's own settings checked as well.

    As :func:`load_config`, composing once with Hydra's settings, which are checked as
    Hydra will compose them (see :func:`check_hydra_settings`).

    Raises:
        ConfigError: naming the first bad value, setting or callback.
    """
    overrides = override_list(overrides)
    try:
        _check_choices(OverridesParser.create().parse_overrides(overrides))
        cfg = check_hydra_settings(overrides)
        check_writable("hydra.run.dir", OmegaConf.select(cfg, "hydra.run.dir"))
        with open_dict(cfg):
            del cfg["hydra"]
        return validate(cfg)
    except COMPOSITION_ERRORS as exc:
        raise config_error(exc, overrides) from exc


def check_writable(key: str, folder: str | None) -> None:
    """Refuse an output folder that cannot be made or written (before Hydra makes it)."""
    if not folder:
        return
    existing = Path(folder).absolute()
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        raise ConfigError(key, folder, f"cannot be written: {existing} is no folder")
    # try it: permissions say nothing of a read-only or full file system, or of root in /proc
    try:
        os.rmdir(tempfile.mkdtemp(prefix=".cxsim-check-", dir=existing))
    except OSError as exc:
        raise ConfigError(
            key, folder, f"cannot be written: {existing} ({exc.strerror or exc})"
        ) from None


def check_hydra_settings(overrides: Sequence[str]) -> DictConfig:
    """Check Hydra's own settings as Hydra will compose them, before anything runs.

    A typo (``hydra/launcher=loacl``, ``hydra.launcher.n_jobs=abc``) fails in one line.
    Hydra instantiates every ``hydra.callbacks.*._target_`` of the composed config, so a
    shared experiment file could run any code: callbacks outside cxsim's and Hydra's own
    are refused unless ``CXSIM_ALLOW_CALLBACKS=1``.

    Args:
        overrides: The whole command line's overrides (the model's and Hydra's).

    Returns:
        The composed config, ``hydra`` included (not validated).

    Raises:
        ConfigError: naming the first bad setting or callback.
    """
    register()
    try:
        with initialize_config_dir(config_dir=str(config_dir()), version_base="1.3"):
            cfg = compose(config_name="config", overrides=list(overrides), return_hydra_config=True)
    except COMPOSITION_ERRORS as exc:
        raise config_error(exc, overrides) from exc
    if os.environ.get(ALLOW_CALLBACKS) == "1":
        return cfg
    for name, callback in (OmegaConf.select(cfg, "hydra.callbacks") or {}).items():
        target = str(callback.get("_target_", "")) if isinstance(callback, DictConfig) else ""
        if not target.startswith(CALLBACKS_ALLOWED):
            raise ConfigError(
                f"hydra.callbacks.{name}._target_",
                target,
                f"runs code outside cxsim and Hydra; allow it with {ALLOW_CALLBACKS}=1",
            )
    return cfg


def check_configs(
    candidates: Iterable[Sequence[str]],
    composer: Callable[[list[str]], DictConfig] = compose_fresh,
) -> int:
    """Validate many override lists, as :func:`load_config` would, and count them.

    Candidates that differ only in scalar values share one composition; their values are
    then applied as Hydra applies value overrides after composing (``OmegaConf.update``).
    That is some 50 times faster than composing each, so the hundreds of values of a
    sweep are checked in about a second.

    Args:
        candidates: Override lists, one a configuration.
        composer: Composes the config of the group choices and other overrides that
            are not plain values (the default composes as :func:`load_config` does;
            inside a running Hydra app, where that cannot be, the app's config loader).

    Raises:
        ConfigError: for the first candidate with a bad value.

    Example:
        >>> check_configs([["days=30", "seed=1"], ["days=31", "seed=1"]])
        2
        >>> check_configs([["days=30"], ["days=0"]])
        Traceback (most recent call last):
        ...
        cxsim.config.rules.ConfigError: invalid config: days=0: must be an integer >= 1
    """
    parser = OverridesParser.create()
    made: dict[tuple[str, ...], DictConfig] = {}
    count = 0
    register()
    for overrides in candidates:
        overrides = list(overrides)
        try:
            parsed = parser.parse_overrides(overrides)
            _check_choices(parsed)
            parts = split(parsed)
            structure, plain = parts if parts is not None else (tuple(overrides), [])
            if structure not in made:
                made[structure] = composer(list(structure))
            cfg = made[structure]
            values = [(o.key_or_group, o.value()) for o in plain]
            # set the values on the shared composition and put it back after: a copy of
            # the whole config would cost ten times the check
            before: list[tuple[str, Any]] = []
            try:
                for key, value in values:
                    old = OmegaConf.select(cfg, key)
                    OmegaConf.update(cfg, key, value, merge=True)
                    before.append((key, old))
                validate(cfg)
            except OmegaConfBaseException:
                # a value the composition refuses: composed whole, it fails with the
                # message a single run of it gives
                validate(composer(overrides))
                raise
            finally:
                for key, value in reversed(before):
                    OmegaConf.update(cfg, key, value, merge=True)
        except COMPOSITION_ERRORS as exc:
            raise config_error(exc, overrides) from exc
        count += 1
    return count

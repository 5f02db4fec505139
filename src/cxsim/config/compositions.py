"""Hydra compositions, made once per set of structural overrides and reused.

Composing ``configs/config.yaml`` with Hydra takes about 0.2 s, more than a small
model's whole run, and a comparison's replications, a sensitivity analysis' samples, an
optimiser's candidates and a calibration's evaluations differ only in plain values (a
seed, a parameter). So a composition is kept per *structure*: the overrides that choose
config groups, add, delete or set whole containers. A config's plain values are then
set on a copy of it as Hydra sets them after composing (``OmegaConf.update(...,
merge=True)``, in their order), which gives Hydra's config in about a tenth of the time.

Where the shortcut could differ from Hydra (a plain value set before a deletion or an
addition) or fails (a key that does not exist), Hydra composes the whole list itself, so
its result and its error messages are the ones a user knows. Kept compositions are
dropped when a file under the config folder changes (a YAML edited in a notebook's
session is seen at once).
"""

from __future__ import annotations

import copy
import os
import threading
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path

from hydra import compose, initialize_config_dir
from hydra.core.override_parser.types import Override
from omegaconf import DictConfig, OmegaConf
from omegaconf.errors import OmegaConfBaseException

KEPT = 16
"""Compositions kept per process (each some 100 KB)."""

_kept: OrderedDict[tuple, DictConfig] = OrderedDict()
_lock = threading.Lock()  # the studio loads configs from several threads


def config_dir() -> Path:
    """Folder of the YAML configs: inside an installed wheel, or ``configs/`` of the repo."""
    packaged = Path(__file__).parents[1] / "configs"
    return packaged if packaged.is_dir() else Path(__file__).resolve().parents[3] / "configs"


def is_group(override: Override) -> bool:
    """Whether an override chooses a config group's file (it changes the defaults list)."""
    return (config_dir() / override.key_or_group).is_dir()


def sets_a_value(override: Override) -> bool:
    """Whether an override only sets a scalar value (no group choice, addition, deletion)."""
    if override.is_add() or override.is_force_add() or override.is_delete() or override.package:
        return False
    if is_group(override):
        return False
    value = override.value()
    return value is None or isinstance(value, str | int | float | bool)


def compose_fresh(overrides: list[str]) -> DictConfig:
    """``configs/config.yaml`` composed by Hydra with ``overrides`` (not validated)."""
    with initialize_config_dir(config_dir=str(config_dir()), version_base="1.3"):
        return compose(config_name="config", overrides=overrides)


def split(parsed: Sequence[Override]) -> tuple[tuple[str, ...], list[Override]] | None:
    """The structural overrides (as written) and the plain values set after composing.

    None where a plain value comes before a deletion or an addition: Hydra applies them
    in their order, so only a composition of the whole list is sure to be Hydra's.
    """
    structure: list[str] = []
    values: list[Override] = []
    for override in parsed:
        if sets_a_value(override):
            values.append(override)
        elif values and not is_group(override):
            return None
        else:
            structure.append(str(override.input_line))
    return tuple(structure), values


def composed(parsed: Sequence[Override], overrides: list[str]) -> DictConfig:
    """The config Hydra composes from ``overrides`` (``parsed`` is their parse), not validated.

    The caller owns the result: it is a copy, never a kept composition.
    """
    parts = split(parsed)
    if parts is None:
        return compose_fresh(overrides)
    structure, values = parts
    cfg = copy.deepcopy(_kept_composition(structure))
    try:
        for override in values:
            OmegaConf.update(cfg, override.key_or_group, override.value(), merge=True)
    except OmegaConfBaseException:
        return compose_fresh(overrides)  # fails again, with Hydra's own message
    return cfg


def _kept_composition(structure: tuple[str, ...]) -> DictConfig:
    key = (structure, _config_files())
    with _lock:
        if key in _kept:
            _kept.move_to_end(key)
            return _kept[key]
    cfg = compose_fresh(list(structure))
    with _lock:
        _kept[key] = cfg
        while len(_kept) > KEPT:
            _kept.popitem(last=False)
    return cfg


def _config_files() -> tuple[tuple[str, int, int], ...]:
    """Each config file's path, modification time and size (about 0.5 ms for 40 files)."""
    found = []
    for folder, _, names in os.walk(config_dir()):
        for name in names:
            stat = os.stat(os.path.join(folder, name))
            found.append((os.path.join(folder, name), stat.st_mtime_ns, stat.st_size))
    return tuple(sorted(found))

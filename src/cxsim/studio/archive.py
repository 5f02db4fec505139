"""The studio's earlier runs: each finished what-if is kept in a folder to reopen or take.

A folder is a comparison as ``cxsim compare`` writes it (effects, runs, figures) plus
``whatif.json``, the what-if that made it; it is published whole or not at all.
"""

from __future__ import annotations

import dataclasses
import io
import json
import zipfile
from datetime import datetime
from pathlib import Path

from cxsim.studies.scenario_runs import ScenarioRuns, read_runs
from cxsim.studio.whatif import WhatIf

PLAN = "whatif.json"


def save(plan: WhatIf, runs: ScenarioRuns, root: str | Path) -> Path:
    """Keep a finished what-if in a new folder under ``root``; return the folder."""
    stamp = datetime.now().strftime("%Y-%m-%d_%H-%M-%S_%f")
    text = json.dumps(dataclasses.asdict(plan), indent=1)
    return runs.write(Path(root) / stamp, extra={PLAN: text})


def earlier(root: str | Path) -> list[Path]:
    """The finished what-ifs kept under ``root``, newest first."""
    root = Path(root)
    if not root.is_dir():
        return []
    kept = [p for p in root.iterdir() if (p / PLAN).is_file() and (p / "effects.csv").is_file()]
    return sorted(kept, reverse=True)


def reopen(folder: str | Path) -> tuple[WhatIf, ScenarioRuns]:
    """The what-if kept in ``folder`` and its runs, as they were."""
    plan = WhatIf(**json.loads((Path(folder) / PLAN).read_text()))
    return plan, read_runs(folder)


def zipped(folder: str | Path) -> bytes:
    """The whole folder as a zip archive (to download)."""
    folder = Path(folder)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                archive.write(path, Path(folder.name) / path.relative_to(folder))
    return buffer.getvalue()

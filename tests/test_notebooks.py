"""Every notebook runs top to bottom (at a small size) and its .py and .ipynb agree."""

from pathlib import Path

import jupytext
import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOKS = sorted((Path(__file__).parents[1] / "notebooks").glob("*.py"))


def _sources(nb) -> list[tuple[str, str]]:
    return [(cell.cell_type, cell.source.strip()) for cell in nb.cells]


def test_there_are_notebooks():
    assert len(NOTEBOOKS) >= 3


@pytest.mark.parametrize("script", NOTEBOOKS, ids=lambda p: p.stem)
def test_paired_notebook_is_in_sync(script):
    paired = script.with_suffix(".ipynb")
    assert paired.exists(), f"run: jupytext --to ipynb {script}"
    assert _sources(jupytext.read(script)) == _sources(nbformat.read(paired, as_version=4)), (
        f"{paired.name} differs from {script.name}: run jupytext --sync {script}"
    )


@pytest.mark.parametrize("script", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs(script, tmp_path, monkeypatch):
    monkeypatch.setenv("CXSIM_NOTEBOOK_SIZE", "small")  # the kernel inherits it
    # the kernel's own backend (inline), as a person opening the notebook gets it
    monkeypatch.delenv("MPLBACKEND", raising=False)
    nb = jupytext.read(script)
    NotebookClient(
        nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    ).execute()
    assert _figures(nb) == _figure_calls(script), "each figure call must show inline"


def _figures(nb) -> int:
    """Figures shown in a notebook's outputs."""
    return sum(
        "image/png" in output.get("data", {})
        for cell in nb.cells
        if cell.cell_type == "code"
        for output in cell.get("outputs", [])
    )


def _figure_calls(script) -> int:
    """Code cells that draw a figure (they call cxsim's figures module)."""
    return sum("figures.plot_" in cell.source for cell in jupytext.read(script).cells)


@pytest.mark.parametrize("script", NOTEBOOKS, ids=lambda p: p.stem)
def test_committed_notebook_shows_its_figures(script):
    """A strategist opening the .ipynb sees the figures without running it."""
    nb = nbformat.read(script.with_suffix(".ipynb"), as_version=4)
    assert _figures(nb) == _figure_calls(script) > 0, (
        f"execute {script.with_suffix('.ipynb').name} and commit its outputs"
    )

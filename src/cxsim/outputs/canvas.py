"""What every figure shares: readable ticks and how a figure is saved and closed."""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
from matplotlib.axis import Axis
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from cxsim.outputs.tables import format_number


def readable(axis: Axis) -> None:
    """Ticks as a person reads them: 20,000 rather than 20000 or 2e4."""
    axis.set_major_formatter(FuncFormatter(lambda value, _: format_number(value)))


def save_figure(fig: Figure, path: str | Path) -> Path:
    """Lay a figure out, save it as a PNG and close it; return its path."""
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return Path(path)


def finish(fig: Figure, path: str | Path | None) -> Figure:
    """Save a laid-out figure as a PNG and close it, if a path is given; return it."""
    if path is not None:
        fig.savefig(path, dpi=110)
        plt.close(fig)
    return fig

"""The look shared by every figure (nncore.plot.style) and what importing nncore.plot costs."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import plot_support  # noqa: F401 - Agg backend
from matplotlib.colors import to_hex

import nncore as nc
from nncore import plot
from nncore.plot import style

PLOT_DIR = Path(plot.__file__).parent


def test_palette_is_okabe_ito_and_distinct():
    expected = {
        "#000000",
        "#e69f00",
        "#56b4e9",
        "#009e73",
        "#f0e442",
        "#0072b2",
        "#d55e00",
        "#cc79a7",
    }
    assert {to_hex(c) for c in plot.OKABE_ITO.values()} == expected
    assert {to_hex(c) for c in plot.PALETTE} == expected
    assert to_hex(plot.POSITIVE) != to_hex(plot.NEGATIVE)


def test_public_names_are_the_style_modules_own():
    assert plot.PALETTE is style.PALETTE and plot.MUTED is style.MUTED and plot.INK is style.INK
    assert set(plot.__all__) >= {
        "OKABE_ITO",
        "PALETTE",
        "POSITIVE",
        "NEGATIVE",
        "DEAD",
        "NetworkDiagram",
        "DecisionRegions",
        "draw_network",
        "draw_gradients",
        "decision_regions",
        "training_curves",
        "confusion_matrix",
        "preactivation_histogram",
    }


def test_the_drawing_modules_name_no_colour_of_their_own():
    # Every colour comes from style.py: no hex literal (a second grey...) in another module.
    hex_colour = re.compile(r"#[0-9A-Fa-f]{6}\b")
    found = {
        path.name: hex_colour.findall(path.read_text(encoding="utf-8"))
        for path in PLOT_DIR.glob("*.py")
        if path.name != "style.py"
    }
    assert {name: colours for name, colours in found.items() if colours} == {}


def test_muted_grey_reads_as_text_on_white():
    # WCAG 2 contrast ratio, written out: (L1 + 0.05) / (L2 + 0.05) >= 4.5 for body text.
    def luminance(hex_colour: str) -> float:
        channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    assert (1.0 + 0.05) / (luminance(plot.MUTED) + 0.05) >= 4.5


def test_format_number_three_significant_digits_and_a_true_minus():
    minus = "\N{MINUS SIGN}"
    assert style.format_number(24.0) == "24"
    assert style.format_number(-4) == f"{minus}4"
    assert style.format_number(1 / 3) == "0.333"
    assert style.format_number(0.98201379) == "0.982"
    assert style.format_number(-1.5e-5) == f"{minus}1.5e{minus}5"
    assert style.format_number(123456.0) == "1.23e5"
    assert style.format_number(1e-13) == "0" and style.format_number(-1e-13) == "0"


def test_activation_names():
    assert style.activation_name(nc.ReLU()) == "ReLU"
    assert style.activation_name(nc.LeakyReLU(0.1)) == "leaky ReLU (0.1)"
    assert style.activation_name(nc.Sigmoid()) == "logistic sigmoid"
    assert style.activation_name(None) == "linear"


def test_importing_nncore_and_nncore_plot_does_not_import_matplotlib():
    code = "import sys, nncore, nncore.plot; print('matplotlib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"

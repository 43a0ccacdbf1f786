"""A frame's saved state carries only what differs from the image model's defaults.

An explorer saves hundreds of frames into its page: every default key written with each
one (empty width, height and classes, the view's name and versions...) is page weight that
the front end would fill in anyway.
"""

from __future__ import annotations

import json

import ipywidgets as widgets
import pytest

from nncore.widgets.slim import DescribedImage as Frame

needs_stack = pytest.mark.skipif(not hasattr(widgets, "Stack"), reason="needs ipywidgets 8")


def saved(widget: widgets.Widget) -> dict:
    return widgets.Widget.get_manager_state(widgets=[widget])["state"][widget.model_id]


@needs_stack
def test_a_frame_saves_its_model_its_image_and_its_text_alternative_only():
    layout = widgets.Layout(max_width="100%")
    frame = Frame(value=b"RIFF", format="webp", tooltip="a line of slope 1", layout=layout)
    state = saved(frame)["state"]
    assert state == {
        "_model_name": "ImageModel",
        "_model_module": "@jupyter-widgets/controls",
        "_model_module_version": widgets.Image()._model_module_version,
        "description": "",
        "format": "webp",
        "layout": f"IPY_MODEL_{layout.model_id}",
        "tooltip": "a line of slope 1",
    }
    # A plain Image writes about 170 bytes more for each frame (0.05 MB on a 300-frame page).
    plain = widgets.Image(value=b"RIFF", format="webp", tooltip="a line of slope 1", layout=layout)
    assert len(json.dumps(saved(plain))) - len(json.dumps(saved(frame))) > 150


@needs_stack
def test_values_that_differ_from_the_defaults_are_kept():
    frame = Frame(value=b"RIFF", width="300", height="200")
    frame.add_class("nncore-frame")
    state = saved(frame)["state"]
    assert (state["width"], state["height"]) == ("300", "200")
    assert list(state["_dom_classes"]) == ["nncore-frame"]
    assert frame.get_state("tooltip") == {"tooltip": None}  # one key, as updates ask for it

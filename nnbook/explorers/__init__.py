"""The chapters' interactive figures: each module builds one explorer's view and controls.

``relu_unit`` (chapter 3), ``dead_start`` (chapter 4), ``digit_morph`` (chapter 1) and
``weight_decay`` (chapter 5); the library part (the explorer, its displays and controls) is
``nncore.widgets``. ``_common`` holds what several views draw alike (the two classes' markers
and legend entries, a boxed label) and the call that makes the explorer.
"""

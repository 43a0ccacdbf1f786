"""The chapters' experiments: training runs and the measures their sentences report.

``digit_designs``, ``digit_errors`` and ``digit_runs`` (chapter 1), ``dead_units_experiments``
(chapter 3), ``case_study`` (chapters 3 and 4) and ``case_study_runs`` (chapter 4), ``decay``
and ``decay_experiments`` (chapter 5). An experiment that a chapter repeats over seeds is a
top-level function taking ``seed``, run by ``nnbook.evidence.repeat``.
"""

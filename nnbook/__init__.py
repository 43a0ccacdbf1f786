"""The book's own code: chapter explorers, experiments, claim checks and exercise checkers.

``nnbook`` sits beside :mod:`nncore` and is installed with it (so a notebook opened in Colab
or Binder finds it), but it is not part of nncore's API: nncore never imports it. Each module
serves one topic of the book; chapters import from both packages.
"""

"""The chapters' static figures: one module per chapter, one function per figure.

A chapter computes what it shows in its visible cells; the function that draws it lives here,
so that the chapter's folded figure cell is a single call (``fig = ch1.blend_path(...)``,
then ``plt.show()``). Each function draws with ``matplotlib.pyplot`` in the book's palette
(``nncore.plot``) and returns the figure; it computes nothing the chapter's prose quotes.
"""

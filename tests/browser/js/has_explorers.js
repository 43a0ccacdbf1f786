// True when the page shows at least one static explorer figure (nncore/widgets/static_html.py).
() => !!document.querySelector('figure.nnx-explorer')

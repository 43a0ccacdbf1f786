// True when no widget label, readout or button holds TeX ($...$, \(...\), \[...\]), which the
// MathJax 2 call of @jupyter-widgets/controls would have typeset.
() => Array.from(document.querySelectorAll(
  '.widget-subarea .widget-label, .widget-subarea .widget-readout, .widget-subarea button'))
  .every((e) => !/\$|\\\(|\\\[/.test(e.textContent))

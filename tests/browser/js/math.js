// The math Sphinx marked up, and what the browser draws of it: MathML (typeset when the book
// is built), or MathJax's containers for a book built with MathJax.
() => {
  const blocks = Array.from(document.querySelectorAll('span.math, div.math'));
  const size = (e) => { const r = e.getBoundingClientRect(); return r.width > 0 && r.height > 0; };
  // A block that is shown must draw its formula; one in a hidden part of the page is not judged.
  const untypeset = blocks.filter((b) => size(b)
      ? !Array.from(b.querySelectorAll('math, mjx-container')).some(size)
      : !b.querySelector('math, mjx-container'))
    .map((b) => b.textContent.trim().slice(0, 80));
  const errors = Array.from(document.querySelectorAll('mjx-merror, merror'))
    .map((e) => (e.getAttribute('data-mjx-error') || e.textContent).slice(0, 120));
  // A TeX command the converter did not know, left as a symbol of the formula.
  Array.from(document.querySelectorAll('math mi, math mo, math mtext'))
    .filter((e) => /\\[A-Za-z]/.test(e.textContent))
    .forEach((e) => errors.push(`unknown command ${e.textContent.slice(0, 40)}`));
  // Raw TeX left in the prose: $...$ or \(...\) outside code and typeset math.
  const article = document.querySelector('article') || document.body;
  const walker = document.createTreeWalker(article, NodeFilter.SHOW_TEXT, {
    acceptNode: (node) => node.parentElement.closest('pre, code, script, style, mjx-container, math, .math, textarea')
      ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT,
  });
  const raw = [];
  const pattern = /\$[^$\n]*[\\^_{}][^$\n]*\$|\\\(|\\\[/;
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (pattern.test(node.textContent)) raw.push(node.textContent.trim().slice(0, 80));
  }
  return {
    inline: document.querySelectorAll('span.math').length,
    display: document.querySelectorAll('div.math').length,
    containers: blocks.filter((b) => b.querySelector('math, mjx-container')).length,
    untypeset, errors, raw,
  };
}

// The math Sphinx marked up, and what MathJax made of it.
() => {
  const blocks = Array.from(document.querySelectorAll('span.math, div.math'));
  const untypeset = blocks.filter((b) => !b.querySelector('mjx-container'))
                          .map((b) => b.textContent.trim().slice(0, 80));
  const errors = Array.from(document.querySelectorAll('mjx-merror'))
                      .map((e) => (e.getAttribute('data-mjx-error') || e.textContent).slice(0, 120));
  // Raw TeX left in the prose: $...$ or \(...\) outside code and typeset math.
  const article = document.querySelector('article') || document.body;
  const walker = document.createTreeWalker(article, NodeFilter.SHOW_TEXT, {
    acceptNode: (node) => node.parentElement.closest('pre, code, script, style, mjx-container, .math, textarea')
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
    containers: document.querySelectorAll('mjx-container').length,
    untypeset, errors, raw,
  };
}

// At a phone's width: elements that stick out to the right of the viewport and are neither
// clipped by a scrolling ancestor nor part of a code cell or a figure.
() => {
  const width = document.documentElement.clientWidth;
  const allowed = 'pre, .highlight, div.cell_input, div.cell_output, figure, img, .jupyter-widgets, mjx-container';
  const clips = (el) => ['auto', 'scroll', 'hidden', 'clip'].includes(getComputedStyle(el).overflowX);
  const offenders = [];
  for (const el of document.body.querySelectorAll('*')) {
    const rect = el.getBoundingClientRect();
    if (rect.width === 0 || rect.height === 0 || rect.right <= width + 1) continue;
    if (!el.checkVisibility({visibilityProperty: true})) continue;
    let contained = false;
    for (let a = el.parentElement; a && a !== document.body && a !== document.documentElement; a = a.parentElement) {
      const s = getComputedStyle(a);
      if (s.position === 'fixed') { contained = true; break; }
      if (clips(a) && a.getBoundingClientRect().right <= width + 1) { contained = true; break; }
    }
    if (getComputedStyle(el).position === 'fixed') contained = true;
    if (contained || el.closest(allowed)) continue;
    // Report the outermost offender only.
    if (offenders.some((o) => o.el.contains(el))) continue;
    const id = el.id ? '#' + el.id : '';
    const cls = el.classList.length ? '.' + Array.from(el.classList).slice(0, 3).join('.') : '';
    offenders.push({el, what: `${el.tagName.toLowerCase()}${id}${cls} (right edge ${Math.round(rect.right)} px): ` +
                              el.textContent.trim().replace(/\s+/g, ' ').slice(0, 60)});
  }
  return {
    viewport: width,
    scrollWidth: document.documentElement.scrollWidth,
    offenders: offenders.map((o) => o.what),
  };
}

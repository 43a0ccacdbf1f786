// The element the keyboard's focus is on: a short description of it (tag, id, classes,
// accessible label), whether the browser shows it as keyboard-focused (:focus-visible), and
// whether a focus ring is drawn around it (an outline of 2 px or more, or a box shadow).
() => {
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) return null;
  const s = getComputedStyle(el);
  const cls = el.classList.length ? '.' + Array.from(el.classList).slice(0, 3).join('.') : '';
  const label = el.getAttribute('aria-label') || el.getAttribute('title') || el.textContent;
  return {
    what: `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}${cls} "${(label || '').trim().replace(/\s+/g, ' ').slice(0, 40)}"`,
    key: el.id || cls + '|' + Array.from(el.parentNode.children).indexOf(el) + '|' + (label || '').slice(0, 30),
    visible: el.matches(':focus-visible'),
    ring: (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2) || s.boxShadow !== 'none',
  };
}

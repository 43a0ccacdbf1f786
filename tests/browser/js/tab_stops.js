// The element the keyboard's focus is on, if it is a control of an explorer: its id (or its
// group's name), whether the browser shows it as keyboard-focused (:focus-visible), and the
// focus ring drawn around it (outline, or a box shadow).
() => {
  const el = document.activeElement;
  if (!el || !el.closest || !el.closest('figure.nnx-explorer .nnx-controls')) {
    return {control: null, tag: el ? el.tagName : null};
  }
  const s = getComputedStyle(el);
  return {
    control: el.type === 'radio' ? `radio:${el.name}` : el.id,
    visible: el.matches(':focus-visible'),
    outline: s.outlineStyle !== 'none' ? parseFloat(s.outlineWidth) : 0,
    shadow: s.boxShadow !== 'none',
  };
}

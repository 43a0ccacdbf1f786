// True when nothing on the page is drawn with a FontAwesome font (so its missing font files
// change nothing a reader sees).
() => Array.from(document.querySelectorAll('[class*="fa"], .widget-subarea *')).every((e) =>
  [null, '::before', '::after'].every((p) => {
    const s = getComputedStyle(e, p);
    const drawn = p === null
      ? Array.from(e.childNodes).some((n) => n.nodeType === 3 && n.textContent.trim())
      : !['none', 'normal', '""'].includes(s.content);
    return !(drawn && /FontAwesome|Font Awesome 5/i.test(s.fontFamily));
  }))

// The widget views the notebook displayed and what the manager drew (error views are
// counted by error_views.js).
() => {
  const views = Array.from(document.querySelectorAll(
    'script[type="application/vnd.jupyter.widget-view+json"]'));
  const unrendered = views.filter((v) => {
    const area = v.previousElementSibling;
    return !(area && area.classList.contains('widget-subarea') && area.firstElementChild);
  }).map((v) => v.textContent.trim().slice(0, 120));
  const widgetElements = Array.from(document.querySelectorAll('[class]'))
    .filter((e) => Array.from(e.classList).some((c) => c.startsWith('widget-')));
  const byKind = (sel) => document.querySelectorAll('.widget-subarea ' + sel).length;
  return {
    views: views.length,
    states: document.querySelectorAll('script[type="application/vnd.jupyter.widget-state+json"]').length,
    unrendered,
    widgetElements: widgetElements.length,
    sliders: byKind('.widget-slider'),
    dropdowns: byKind('.widget-dropdown'),
    toggles: byKind('.widget-toggle-buttons'),
    images: byKind('img'),
    explorers: document.querySelectorAll('figure.nnx-explorer').length,
    explorersReady: document.querySelectorAll('figure.nnx-explorer.nnx-ready').length,
  };
}

// True once the widget manager has drawn something for every widget view of the page.
() => Array.from(document.querySelectorAll(
  'script[type="application/vnd.jupyter.widget-view+json"]')).every((v) => {
  const area = v.previousElementSibling;
  return area && area.classList.contains('widget-subarea') && area.firstElementChild;
})

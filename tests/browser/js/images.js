// Every image (of the page, or of the element given) with what a reader, or a screen
// reader, gets from it.
(root) => Array.from((root || document).querySelectorAll('img')).map((img) => {
  const rect = img.getBoundingClientRect();
  const style = getComputedStyle(img);
  return {
    src: (img.getAttribute('src') || '').slice(0, 80),
    alt: img.getAttribute('alt'),
    title: img.getAttribute('title'),
    ariaLabel: img.getAttribute('aria-label'),
    inWidget: img.closest('.jupyter-widgets, .widget-subarea, figure.nnx-explorer') !== null,
    inArticle: img.closest('article') !== null,
    visible: img.checkVisibility() && rect.width > 0 && rect.height > 0,
    complete: img.complete,
    naturalWidth: img.naturalWidth,
  };
})

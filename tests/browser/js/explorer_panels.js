// Each panel of each explorer's picture as the page shows it: its width in the picture
// (--nnx-pw), its width on the page, and its smallest text at the picture's size.
() => Array.from(document.querySelectorAll('figure.nnx-explorer')).flatMap((figure) =>
  Array.from(figure.querySelectorAll('.nnx-panel')).map((panel) => ({
    title: (figure.querySelector('.nnx-title') || {}).textContent || '',
    pictureWidth: Number(panel.style.getPropertyValue('--nnx-pw')),
    shownWidth: panel.getBoundingClientRect().width,
    columnWidth: figure.getBoundingClientRect().width,
    smallestText: Number(panel.dataset.smallestText || 'Infinity'),
  })));

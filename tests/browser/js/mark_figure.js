// The nearest ancestor of a control that also holds an image (the figure beside it); marks
// it with a data attribute so the test can find and screenshot it. True when one was found.
(control, mark) => {
  for (let a = control.parentElement; a; a = a.parentElement) {
    if (a.classList.contains('widget-subarea') || a.matches('.cell_output, article')) {
      if (a.querySelector('img')) { a.setAttribute('data-figure-of', mark); return true; }
      return false;
    }
    if (a.querySelector('img')) { a.setAttribute('data-figure-of', mark); return true; }
  }
  return false;
}

// The messages of the error views the widget manager drew instead of widgets it could
// not create (of the page, or of the element given), revealed by clicking them as a reader would.
(root) => Array.from((root || document).querySelectorAll('.jupyter-widgets-error-widget')).map((content) => {
  const host = content.closest('.jupyter-widgets') || content;
  if (content.classList.contains('icon-error')) host.click();
  return host.textContent.replace(/^\s*\[Open Browser Console[^\]]*\]\s*/, '').trim().slice(0, 400);
})

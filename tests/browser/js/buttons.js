// The header's launch, download and repository buttons.
() => {
  const hrefs = (sel) => Array.from(document.querySelectorAll(sel)).map((a) => a.href);
  const visible = (sel) => Array.from(document.querySelectorAll(sel)).some((e) => e.checkVisibility());
  return {
    binder: hrefs('a[href^="https://mybinder.org/v2/"]'),
    colab: hrefs('a[href^="https://colab.research.google.com/github/"]'),
    downloads: hrefs('.dropdown-download-buttons a, a.btn-download-source-button, a[href$=".ipynb"][download], a[href*="_sources/"]'),
    printButton: document.querySelectorAll('.btn-download-pdf-button, button[onclick*="print"]').length,
    repository: hrefs('a.btn-source-repository-button, .dropdown-source-buttons a[href^="https://github.com/"]'),
    launchToggleVisible: visible('.dropdown-launch-buttons > button'),
    downloadToggleVisible: visible('.dropdown-download-buttons > button'),
    sourceToggleVisible: visible('.dropdown-source-buttons > button') || visible('a.btn-source-repository-button'),
  };
}

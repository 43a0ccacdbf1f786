// True when the player (explorer.js) has enabled every explorer of the page.
() => Array.from(document.querySelectorAll('figure.nnx-explorer'))
  .every((f) => f.classList.contains('nnx-ready'))

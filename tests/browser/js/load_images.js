// Resolves once every image of the page has loaded or failed: lazy images (all but a page's
// first) are asked for first, as a reader scrolling to them would; 20 s at most.
() =>
  Promise.all(
    Array.from(document.images).map((img) => {
      img.loading = "eager";
      if (img.complete) return null;
      return new Promise((done) => {
        img.addEventListener("load", done, { once: true });
        img.addEventListener("error", done, { once: true });
        setTimeout(done, 20000);
      });
    })
  ).then(() => null)

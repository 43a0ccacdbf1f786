// The page's height and, for each figure of the article (a picture the build copied to
// _images/), whether it has loaded and the box the page gives it.
() => ({
  pageHeight: document.documentElement.scrollHeight,
  figures: Array.from(document.querySelectorAll('.bd-article img[src*="_images/"]')).map((img) => {
    const box = img.getBoundingClientRect();
    return {src: img.getAttribute('src').split('/').pop().slice(0, 12),
            loaded: img.complete && img.naturalWidth > 0,
            width: Math.round(box.width), height: Math.round(box.height)};
  }),
})

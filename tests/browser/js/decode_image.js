// Resolves once an image's bytes are decoded, and to null if they cannot be. A lazy image off
// screen is asked for first (its decode() would wait for a load that never starts), and the
// wait ends after 20 s in any case, so a test fails on the image rather than hanging.
(img) => {
  img.loading = "eager";
  const decoded = img.decode().catch(() => null);
  return Promise.race([decoded, new Promise((done) => setTimeout(() => done(null), 20000))]);
}

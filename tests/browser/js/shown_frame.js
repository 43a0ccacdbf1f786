// The image(s) a control's figure shows now, as digests of their bytes.
async (container) => {
  const imgs = Array.from(container.querySelectorAll('img'))
    .filter((img) => img.checkVisibility() && img.getBoundingClientRect().width > 0);
  const digests = [];
  for (const img of imgs) {
    const buffer = await (await fetch(img.src)).arrayBuffer();
    const hash = await crypto.subtle.digest('SHA-256', buffer);
    digests.push(Array.from(new Uint8Array(hash)).map((b) => b.toString(16).padStart(2, '0')).join('').slice(0, 16));
  }
  return digests;
}

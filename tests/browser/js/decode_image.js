// Resolves once an image's bytes are decoded (and to null if they cannot be).
(img) => img.decode().catch(() => null)

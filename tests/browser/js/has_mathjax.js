// True when the page loads MathJax.
() => !!document.querySelector('script[src*="mathjax"]')

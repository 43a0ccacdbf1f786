// Truthy once MathJax 3 has started (its startup promise exists).
() => window.MathJax && MathJax.startup && MathJax.startup.promise

// Resolves once MathJax's first typesetting pass is done.
() => MathJax.startup.promise.then(() => true)

// True when sphinx-thebe's inline configuration defined its constants (a second, identical
// copy of the script may fail to redeclare them; the first one is all the button needs).
() => typeof THEBE_JS_URL === 'string' && typeof thebe_selector === 'string'

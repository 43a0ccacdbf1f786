// True when the page displays at least one widget view.
() => !!document.querySelector('script[type="application/vnd.jupyter.widget-view+json"]')

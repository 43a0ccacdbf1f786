// The label of a widget control (empty when it has none).
(control) => (control.querySelector('.widget-label') || {}).textContent || ''

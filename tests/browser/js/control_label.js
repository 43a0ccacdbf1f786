// The label of a control (empty when it has none): a widget's label, or a static
// explorer's <label> or group name.
(control) => (control.querySelector('.widget-label, label[for], .nnx-legend') || {}).textContent || ''

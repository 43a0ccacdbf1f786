// The position of the checked radio button of a control (-1 when none is checked).
(control) => Array.from(control.querySelectorAll('input[type="radio"]')).findIndex((r) => r.checked)

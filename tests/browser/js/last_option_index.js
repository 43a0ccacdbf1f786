// The index of a drop-down's last option.
(select) => select.options.length - 1

// The index of a drop-down's selected option.
(select) => select.selectedIndex

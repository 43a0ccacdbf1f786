// The index of the active button of a toggle-buttons control (-1 when none is).
(control) => Array.from(control.querySelectorAll('button'))
  .findIndex((b) => b.classList.contains('mod-active'))

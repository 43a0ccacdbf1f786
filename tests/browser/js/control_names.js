// Every form control of the page's explorers with what a screen reader announces for it:
// its accessible name (from its label), and for a slider the value it speaks and the value
// shown beside it.
() => Array.from(document.querySelectorAll('figure.nnx-explorer input')).map((input) => {
  const group = input.closest('fieldset');
  const labelled = group && document.getElementById(group.getAttribute('aria-labelledby'));
  const output = input.type === 'range'
    ? input.closest('figure').querySelector(`output[for="${input.id}"]`) : null;
  return {
    type: input.type,
    name: input.labels && input.labels.length ? input.labels[0].textContent.trim() : '',
    group: labelled ? labelled.textContent.trim() : null,
    valueText: input.getAttribute('aria-valuetext'),
    shown: output ? output.textContent.trim() : null,
    disabled: input.disabled,
  };
})

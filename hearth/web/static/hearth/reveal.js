// Questions that follow from an answer (the GOV.UK conditional reveal's layout): each radio marked
// `data-hearth-reveals="ID"` shows the block ID while it is chosen and hides it otherwise.
//
// GOV.UK Frontend's own conditional reveal sets aria-expanded on the radio inputs, which ARIA does
// not allow on a radio (axe: aria-allowed-attr). Here the block follows its radio in reading order
// and no state is put on the input. Without JavaScript every block stays shown, so every question
// can still be answered; the server ignores the ones whose answer was not chosen.

for (const group of document.querySelectorAll('.govuk-radios')) {
  const radios = [...group.querySelectorAll('input[type="radio"]')]
  if (!radios.some((radio) => radio.dataset.hearthReveals)) continue
  const sync = () => {
    for (const radio of radios) {
      const block = radio.dataset.hearthReveals && document.getElementById(radio.dataset.hearthReveals)
      if (block) block.classList.toggle('govuk-radios__conditional--hidden', !radio.checked)
    }
  }
  for (const radio of radios) radio.addEventListener('change', sync)
  sync()
}

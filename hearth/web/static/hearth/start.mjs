import { initAll } from '/static/govuk/govuk-frontend.min.js'

initAll()
if (document.querySelector('form[data-hearth-autosave]')) import('./autosave.js')
if (document.querySelector('[data-hearth-reveals]')) import('./reveal.js')

// Saves a referral's section in the background: a few seconds after the person stops typing, when
// they leave a field or tick a box, and when they leave the page. The server answers with the
// referral's new version, which goes in the form's hidden field so that the next save (background
// or a button) is not taken for someone else's change. Without JavaScript the buttons save as before.

const QUIET_FOR_MS = 3000

function autosave (form) {
  const status = form.querySelector('[data-hearth-autosave-status]')
  const version = form.querySelector('input[name="version"]')
  let timer = null
  let inFlight = null
  let changed = false
  let stopped = false

  function tell (text) {
    if (status) status.textContent = text
  }

  async function answer (response) {
    const body = await response.json().catch(() => ({}))
    if (response.ok) {
      version.value = body.version
      tell('Draft saved at ' + body.saved_at)
    } else if (response.status === 409 || response.status === 403) {
      stopped = true
      tell(body.message || 'Someone else changed this referral: your changes were not saved.')
    } else {
      tell(body.message || 'Draft not saved: check your answers, then use a save button.')
    }
  }

  function save ({ leaving = false } = {}) {
    clearTimeout(timer)
    timer = null
    if (inFlight) return inFlight.then(() => save({ leaving }))
    if (!changed || stopped) return Promise.resolve()
    changed = false
    const data = new FormData(form)
    inFlight = fetch(form.getAttribute('action') || window.location.href, {
      method: 'POST',
      body: data,
      credentials: 'same-origin',
      keepalive: leaving,
      headers: {
        Accept: 'application/json',
        'X-CSRFToken': data.get('csrfmiddlewaretoken'),
        'X-Hearth-Autosave': '1'
      }
    })
      .then(answer)
      .catch(() => {
        changed = true
        tell('Draft not saved: Hearth could not be reached. Your answers are still on this page.')
      })
      .finally(() => {
        inFlight = null
      })
    return inFlight
  }

  function later () {
    changed = true
    clearTimeout(timer)
    timer = setTimeout(save, QUIET_FOR_MS)
  }

  form.addEventListener('input', later)
  form.addEventListener('change', (event) => {
    changed = true
    if (event.target.type === 'radio' || event.target.type === 'checkbox') save()
  })
  form.addEventListener('focusout', () => {
    if (changed) save()
  })
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'hidden' && changed) save({ leaving: true })
  })
  form.addEventListener('submit', (event) => {
    // A button's save must carry the version a background save has just made.
    clearTimeout(timer)
    stopped = true
    if (!inFlight) return
    event.preventDefault()
    const button = event.submitter
    inFlight.then(() => {
      if (form.requestSubmit) form.requestSubmit(button)
      else form.submit()
    })
  })
}

document.querySelectorAll('form[data-hearth-autosave]').forEach(autosave)

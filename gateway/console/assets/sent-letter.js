// The letter's status page follows the letter: it asks for the status, every second at first and
// then less often (each ask is a read in the access log), until the letter reaches an end state.
// Without the script, the page's reload link does the same by hand.
'use strict';

(() => {
  const section = document.getElementById('letter-status');
  if (!section || section.dataset.final === 'true') return;
  const words = document.getElementById('letter-status-words');
  const way = document.getElementById('letter-way');
  const hint = section.querySelector('.updating');
  const startedAt = Date.now();
  const giveUpAfterMs = 30 * 60 * 1000;
  let delayMs = 1000;
  if (hint) hint.hidden = false;

  function show(answer) {
    if (words.dataset.status === answer.status) return;
    words.dataset.status = answer.status;
    words.textContent = answer.words;
    way.replaceChildren(
      ...answer.steps.map((step) => {
        const item = document.createElement('li');
        item.className = `step-${step.state}`;
        if (step.state === 'current') item.setAttribute('aria-current', 'step');
        item.textContent = step.words;
        return item;
      }),
    );
  }

  async function poll() {
    try {
      const response = await fetch(section.dataset.statusUrl, { headers: { Accept: 'application/json' } });
      if (response.ok) {
        const answer = await response.json();
        show(answer);
        if (answer.final) {
          section.dataset.final = 'true';
          if (hint) hint.hidden = true;
          return;
        }
      }
    } catch {
      // Offline for a moment: the next poll tries again.
    }
    // Delivery takes seconds; an acknowledgement may take hours.
    if (Date.now() - startedAt > 10_000) delayMs = Math.min(delayMs * 1.5, 30_000);
    if (Date.now() - startedAt < giveUpAfterMs) setTimeout(poll, delayMs);
  }
  setTimeout(poll, delayMs);
})();

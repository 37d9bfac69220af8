// Progressive enhancement of the console's server-rendered pages: every page works without this
// script; with it, a form marked data-confirm asks in a dialog before it is sent.
'use strict';

function confirmDialog(form) {
  const dialog = document.createElement('dialog');
  dialog.className = 'confirm';
  const article = document.createElement('article');
  const question = document.createElement('p');
  question.textContent = form.dataset.confirm;
  const footer = document.createElement('footer');
  const cancel = document.createElement('button');
  cancel.type = 'button';
  cancel.className = 'secondary';
  cancel.textContent = form.dataset.confirmCancel || 'Cancel';
  const ok = document.createElement('button');
  ok.type = 'button';
  ok.textContent = form.dataset.confirmOk || 'OK';
  footer.append(cancel, ok);
  article.append(question, footer);
  dialog.append(article);
  document.body.append(dialog);
  cancel.addEventListener('click', () => dialog.close());
  ok.addEventListener('click', () => {
    form.dataset.confirmed = 'true';
    dialog.close();
    form.requestSubmit();
  });
  dialog.addEventListener('close', () => dialog.remove());
  dialog.showModal();
  cancel.focus();
}

document.addEventListener('submit', (event) => {
  const form = event.target;
  if (!(form instanceof HTMLFormElement) || !form.dataset.confirm || form.dataset.confirmed === 'true') return;
  event.preventDefault();
  confirmDialog(form);
});

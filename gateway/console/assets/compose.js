// The compose page with its script: files chosen or dropped (up to ten) are listed and can be
// removed, the letter is sent with upload progress, refusals are shown in place, and warnings
// are confirmed in a dialog before the same letter is sent again. Without the script the form
// posts as it is and the answer is a page.
'use strict';

(() => {
  const form = document.getElementById('compose-form');
  if (!(form instanceof HTMLFormElement)) return;
  const input = document.getElementById('compose-files');
  const list = document.getElementById('compose-file-list');
  const zone = document.getElementById('drop-zone');
  const problem = document.getElementById('compose-problem');
  const progressBox = document.getElementById('upload-progress');
  const bar = document.getElementById('upload-bar');
  const progressText = document.getElementById('upload-status');
  const sendButton = document.getElementById('compose-send');
  const maxFiles = Number(form.dataset.maxFiles) || 10;
  let chosen = [];

  const fragment = (markup) => new DOMParser().parseFromString(markup, 'text/html').body.childNodes;

  function say(text) {
    const paragraph = document.createElement('p');
    paragraph.className = 'problem';
    paragraph.setAttribute('role', 'alert');
    paragraph.textContent = text;
    problem.replaceChildren(paragraph);
  }

  // The file input holds the chosen files, so the form sends them with or without this script.
  function sync() {
    const transfer = new DataTransfer();
    for (const file of chosen) transfer.items.add(file);
    input.files = transfer.files;
    list.replaceChildren(
      ...chosen.map((file, i) => {
        const item = document.createElement('li');
        item.textContent = `${file.name} (${Math.max(1, Math.round(file.size / 1024))} KiB) `;
        const remove = document.createElement('button');
        remove.type = 'button';
        remove.className = 'outline secondary remove-file';
        remove.textContent = '×';
        remove.setAttribute('aria-label', form.dataset.remove.replace('{}', file.name));
        remove.addEventListener('click', () => {
          chosen.splice(i, 1);
          sync();
          input.focus();
        });
        item.append(remove);
        return item;
      }),
    );
  }

  function add(files) {
    const incoming = [...files];
    const room = Math.max(maxFiles - chosen.length, 0);
    chosen = chosen.concat(incoming.slice(0, room));
    if (incoming.length > room) say(form.dataset.tooMany);
    sync();
  }

  input.addEventListener('change', () => {
    const fresh = [...input.files];
    add(fresh);
  });
  zone.addEventListener('dragover', (event) => {
    event.preventDefault();
    zone.classList.add('dragging');
  });
  zone.addEventListener('dragleave', () => zone.classList.remove('dragging'));
  zone.addEventListener('drop', (event) => {
    event.preventDefault();
    zone.classList.remove('dragging');
    if (event.dataTransfer) add(event.dataTransfer.files);
  });

  function setProgress(percent) {
    bar.value = percent;
    progressText.textContent = progressText.dataset.template.replace('{}', String(percent));
  }

  function done() {
    sendButton.disabled = false;
    sendButton.removeAttribute('aria-busy');
  }

  function acknowledge(codes) {
    for (const code of codes) {
      const hidden = document.createElement('input');
      hidden.type = 'hidden';
      hidden.name = 'acknowledgedWarnings';
      hidden.value = code;
      // Before the files: the server reads every field before the first file.
      zone.before(hidden);
    }
  }

  function showWarnings(markup) {
    const [dialog] = [...fragment(markup)].filter((node) => node instanceof HTMLDialogElement);
    document.body.append(dialog);
    dialog.querySelector('[data-warnings-cancel]').addEventListener('click', () => dialog.close('cancel'));
    dialog.querySelector('[data-warnings-confirm]').addEventListener('click', (event) => {
      acknowledge(event.currentTarget.dataset.codes.split(' ').filter(Boolean));
      dialog.close('confirm');
    });
    dialog.addEventListener('close', () => {
      dialog.remove();
      if (dialog.returnValue === 'confirm') send();
      else document.getElementById('compose-cpr')?.focus();
    });
    dialog.showModal();
    // The safe choice has the focus: Enter on a warning must not send the letter unread.
    dialog.querySelector('[data-warnings-cancel]').focus();
  }

  function answered(xhr) {
    done();
    const body = xhr.response;
    if (body && typeof body.location === 'string') {
      setProgress(100);
      window.location.assign(body.location);
    } else if (body && typeof body.dialog === 'string') {
      showWarnings(body.dialog);
    } else if (body && typeof body.refusal === 'string') {
      problem.replaceChildren(...fragment(body.refusal));
      problem.querySelector('[tabindex="-1"]')?.focus();
    } else if (xhr.status === 401 || xhr.status === 403) {
      // The session ended or the page is too old: loading it again leads to sign-in or a fresh form.
      window.location.reload();
    } else {
      say(form.dataset.uploadFailed);
    }
  }

  function send() {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', form.action);
    xhr.setRequestHeader('Accept', 'application/json');
    xhr.responseType = 'json';
    xhr.upload.addEventListener('progress', (event) => {
      if (event.lengthComputable) setProgress(Math.round((event.loaded / event.total) * 100));
    });
    xhr.addEventListener('load', () => answered(xhr));
    xhr.addEventListener('error', () => {
      done();
      say(form.dataset.uploadFailed);
    });
    problem.replaceChildren();
    progressBox.hidden = false;
    setProgress(0);
    sendButton.disabled = true;
    sendButton.setAttribute('aria-busy', 'true');
    xhr.send(new FormData(form));
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    send();
  });
})();

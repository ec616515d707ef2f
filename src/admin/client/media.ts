// The Media page: upload with a progress bar (XMLHttpRequest reports upload progress, fetch does not), then the
// page again with the result; "Copy URL" buttons. Without script the form posts as usual and the page says the result.

function csrfToken(): string {
  return document.querySelector<HTMLMetaElement>('meta[name="csrf-token"]')?.content ?? '';
}

function showError(form: HTMLFormElement, message: string): void {
  const error = form.querySelector<HTMLElement>('#file-error');
  const input = form.querySelector<HTMLInputElement>('input[type="file"]');
  if (!error || !input) return;
  error.textContent = message;
  error.hidden = false;
  input.setAttribute('aria-invalid', 'true');
  input.focus();
}

document.addEventListener('submit', (event) => {
  const form = event.target as HTMLFormElement;
  if (!form.matches('[data-media-upload]')) return;
  event.preventDefault();
  const input = form.querySelector<HTMLInputElement>('input[type="file"]')!;
  const file = input.files?.[0];
  if (!file) return showError(form, 'Choose an image file first');
  const progress = form.querySelector<HTMLProgressElement>('progress')!;
  const button = form.querySelector<HTMLButtonElement>('button[type="submit"]')!;
  const body = new FormData();
  body.append('file', file);
  const xhr = new XMLHttpRequest();
  xhr.open('POST', form.action);
  xhr.setRequestHeader('Accept', 'application/json');
  xhr.setRequestHeader('X-CSRF-Token', csrfToken());
  xhr.upload.addEventListener('progress', (e) => {
    if (e.lengthComputable) progress.value = Math.round((e.loaded / e.total) * 100);
  });
  xhr.addEventListener('load', () => {
    button.disabled = false;
    progress.hidden = true;
    let answer: { id?: string; message?: string } = {};
    try {
      answer = JSON.parse(xhr.responseText) as typeof answer;
    } catch {
      // not JSON: said below
    }
    if (xhr.status === 201 && answer.id) window.location.assign(`/admin/media?uploaded=${answer.id}`);
    else showError(form, answer.message ?? `The upload failed (HTTP ${xhr.status})`);
  });
  xhr.addEventListener('error', () => {
    button.disabled = false;
    progress.hidden = true;
    showError(form, 'The upload did not reach the server: check the connection and try again');
  });
  progress.value = 0;
  progress.hidden = false;
  button.disabled = true;
  xhr.send(body);
});

document.addEventListener('click', (event) => {
  const button = (event.target as HTMLElement).closest<HTMLButtonElement>('[data-copy-url]');
  if (!button) return;
  const url = button.dataset.copyUrl!;
  const label = button.innerHTML;
  const done = () => {
    button.textContent = 'Copied';
    setTimeout(() => (button.innerHTML = label), 2000);
  };
  // Without clipboard access (permission refused, a page not served over HTTPS): the address is selected for Ctrl+C.
  const select = () => button.closest('.media-item')?.querySelector<HTMLInputElement>('input[readonly]')?.select();
  if (navigator.clipboard) navigator.clipboard.writeText(url).then(done, select);
  else select();
});

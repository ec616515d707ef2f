// Page behaviours of the admin results pages (see src/admin/results).

// <button data-copy="#api-key-value">: copies the target input's value (the API key shown once).
document.addEventListener('click', (event) => {
  const button = (event.target as HTMLElement).closest<HTMLButtonElement>('button[data-copy]');
  if (!button) return;
  const target = document.querySelector<HTMLInputElement>(button.dataset.copy!);
  if (!target) return;
  target.focus();
  target.select();
  const done = (ok: boolean) => {
    const label = (button.dataset.label ??= button.textContent ?? '');
    button.textContent = ok ? (button.dataset.copiedText ?? 'Copied') : 'Press Ctrl+C to copy';
    window.setTimeout(() => (button.textContent = label), 2000);
  };
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(target.value).then(
      () => done(true),
      () => done(false),
    );
  } else {
    done(false); // the text is selected: the person copies it with the keyboard
  }
});

// <input data-select-on-focus>: the whole value is selected, ready to copy.
document.addEventListener('focusin', (event) => {
  const el = event.target as HTMLElement;
  if (el instanceof HTMLInputElement && el.dataset.selectOnFocus !== undefined) el.select();
});

export {};

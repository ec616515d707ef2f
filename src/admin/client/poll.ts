// <div data-poll="/admin/x/progress.json" data-poll-until="done">: fetches the JSON every second and
// writes each top-level value into the elements marked data-field="name" inside the block
// (text, or the width of a .progress bar for data-field="percent"). Stops when the JSON's `data-poll-until`
// key is true; then reloads the page if data-poll-reload is set, so the final state is server-rendered.
// Once the page is being left (a form was submitted: Pause, Cancel…), polling stops: a reload then would cancel
// that navigation, and with it the answer to the form (its message, the page it leads to).
let leaving = false;
window.addEventListener('beforeunload', () => {
  leaving = true;
});

export function startPolling(root: HTMLElement): void {
  const url = root.dataset.poll!;
  const until = root.dataset.pollUntil ?? 'done';
  const tick = async (): Promise<void> => {
    if (leaving) return;
    try {
      const res = await fetch(url, { headers: { accept: 'application/json' }, credentials: 'same-origin' });
      if (res.ok) {
        const data = (await res.json()) as Record<string, string | number | boolean | null>;
        for (const el of root.querySelectorAll<HTMLElement>('[data-field]')) {
          const value = data[el.dataset.field!];
          if (value === undefined) continue;
          if (el.classList.contains('progress')) {
            const bar = el.querySelector('span');
            if (bar) bar.style.width = `${Math.max(0, Math.min(100, Number(value)))}%`;
            el.setAttribute('aria-valuenow', String(value));
          } else {
            el.textContent = typeof value === 'number' ? value.toLocaleString('en-US') : String(value);
          }
        }
        if (data[until]) {
          if (root.dataset.pollReload !== undefined && !leaving) window.location.reload();
          return;
        }
      }
    } catch {
      // a dropped request: try again on the next tick
    }
    window.setTimeout(() => void tick(), 1000);
  };
  void tick();
}

document.addEventListener('DOMContentLoaded', () => {
  for (const el of document.querySelectorAll<HTMLElement>('[data-poll]')) startPolling(el);
});

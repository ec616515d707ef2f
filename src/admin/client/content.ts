// Page behaviours of the admin content pages (see src/admin/content): the MJML editor, a campaign's
// content choice, the live recipient count of the audience step, and preview width toggles.
import './mjml-editor';

/** Content step: show the panel of the chosen source; the template preview follows the select. */
function wireContentChoice(form: HTMLFormElement): void {
  const radios = [...form.querySelectorAll<HTMLInputElement>('input[name="source"]')];
  const panels = [...form.querySelectorAll<HTMLElement>('[data-source-panel]')];
  const update = () => {
    const chosen = radios.find((r) => r.checked)?.value ?? 'mjml';
    for (const panel of panels) panel.hidden = panel.dataset.sourcePanel !== chosen;
  };
  for (const r of radios) r.addEventListener('change', update);
  update();

  const select = form.querySelector<HTMLSelectElement>('[data-template-select]');
  const frame = form.querySelector<HTMLIFrameElement>('[data-template-preview]');
  if (select && frame) {
    select.addEventListener('change', () => {
      const url = select.selectedOptions[0]?.dataset.preview;
      if (url) frame.src = url;
    });
  }
}

/** Audience step: the recipient count follows the ticked lists before they are saved. */
function wireAudienceCount(form: HTMLFormElement): void {
  const out = form.querySelector<HTMLElement>('[data-recipient-count]');
  const url = form.dataset.countUrl;
  if (!out || !url) return;
  let seq = 0;
  const refresh = async (): Promise<void> => {
    const mine = ++seq;
    const params = new URLSearchParams();
    for (const box of form.querySelectorAll<HTMLInputElement>('input[name="listIds"]:checked'))
      params.append('listIds', box.value);
    const segment = form.querySelector<HTMLSelectElement>('select[name="segmentId"]')?.value;
    if (segment) params.append('segmentId', segment);
    out.setAttribute('aria-busy', 'true');
    try {
      const res = await fetch(`${url}?${params.toString()}`, {
        headers: { accept: 'application/json' },
        credentials: 'same-origin',
      });
      if (!res.ok || mine !== seq) return;
      const { count } = (await res.json()) as { count: number };
      out.textContent = count.toLocaleString('en-US');
    } catch {
      // the saved count stays; the next change tries again
    } finally {
      if (mine === seq) out.removeAttribute('aria-busy');
    }
  };
  form.addEventListener('change', () => void refresh());
}

/** A desktop/mobile toggle outside an editor (the review page): data-frame names the iframe. */
function wireWidthToggle(toggle: HTMLElement): void {
  const frame = document.querySelector<HTMLIFrameElement>(toggle.dataset.frame!);
  if (!frame) return;
  toggle.hidden = false;
  const buttons = [...toggle.querySelectorAll<HTMLButtonElement>('[data-width]')];
  for (const button of buttons) {
    button.addEventListener('click', () => {
      frame.classList.toggle('mobile', button.dataset.width === 'mobile');
      for (const b of buttons) b.setAttribute('aria-pressed', String(b === button));
    });
  }
}

document.addEventListener('DOMContentLoaded', () => {
  for (const form of document.querySelectorAll<HTMLFormElement>('form[data-campaign-content]')) wireContentChoice(form);
  for (const form of document.querySelectorAll<HTMLFormElement>('form[data-audience-form]')) wireAudienceCount(form);
  for (const toggle of document.querySelectorAll<HTMLElement>('[data-width-toggle][data-frame]'))
    wireWidthToggle(toggle);
});

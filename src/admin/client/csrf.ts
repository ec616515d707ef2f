/** The session's CSRF token, from the page's `<meta name="csrf-token">`: sent as X-CSRF-Token by the scripts' POSTs. */
export function csrfToken(): string {
  return document.querySelector<HTMLMetaElement>('meta[name="csrf-token"]')?.content ?? '';
}

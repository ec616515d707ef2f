// eslint-disable-next-line no-control-regex -- control characters are what it replaces
const CONTROLS = /[\x00-\x1f\x7f\u0085\u2028\u2029]+/g;

/** Text for one header line (a subject, a list name): CR, LF, tabs and other controls become single spaces. */
export function headerLine(s: string): string {
  return s.replace(CONTROLS, ' ').replace(/ {2,}/g, ' ').trim();
}

/**
 * Writing CSV for spreadsheets (RFC 4180): every cell that needs it is quoted, and a cell a spreadsheet
 * would run as a formula (starting with = + - @, or a tab or carriage return) is prefixed with a single
 * quote so it is shown as text (OWASP "CSV injection").
 */
const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

export function csvCell(value: unknown): string {
  let text = textOf(value);
  if (FORMULA_START.test(text)) text = `'${text}`;
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Nothing is an empty cell, a time its ISO form, an object or array its JSON. */
function textOf(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return JSON.stringify(value) ?? '';
}

/** One line of CSV, CRLF-terminated as RFC 4180 has it. */
export function csvRow(values: unknown[]): string {
  return `${values.map(csvCell).join(',')}\r\n`;
}

/**
 * A Content-Disposition value for a download: an ASCII fallback name plus the exact name in UTF-8 (RFC 6266),
 * so no quote, line break or path from a list's name reaches the header.
 */
export function attachmentHeader(fileName: string): string {
  const ascii =
    fileName
      .normalize('NFKD')
      .replace(/[^\w.\- ]+/g, '')
      .replace(/\s+/g, '-')
      .slice(0, 120) || 'export.csv';
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}

/**
 * Rows in PostgreSQL COPY text format, encoded into one growing Buffer as they come: a batch costs no
 * JavaScript object per row, so the garbage collector never has to move a batch into the old heap.
 */
export class CopyBuffer {
  private buffer = Buffer.allocUnsafe(1024 * 1024);
  bytes = 0;
  rows = 0;

  /** Appends one line: the fields tab-separated, escaped as COPY's text format needs. */
  push(fields: string[]): void {
    let most = fields.length;
    for (const f of fields) most += f.length * 6; // 3 UTF-8 bytes a unit, doubled by escaping
    if (this.bytes + most > this.buffer.length) this.grow(this.bytes + most);
    for (let i = 0; i < fields.length; i++) {
      this.bytes += this.buffer.write(escape(fields[i]), this.bytes, 'utf8');
      this.buffer[this.bytes++] = i === fields.length - 1 ? 0x0a : 0x09;
    }
    this.rows++;
  }

  /** The encoded lines; valid until the next push or clear. */
  content(): Buffer {
    return this.buffer.subarray(0, this.bytes);
  }

  clear(): void {
    this.bytes = 0;
    this.rows = 0;
  }

  private grow(atLeast: number): void {
    const bigger = Buffer.allocUnsafe(Math.max(atLeast, this.buffer.length * 2));
    this.buffer.copy(bigger, 0, 0, this.bytes);
    this.buffer = bigger;
  }
}

/** COPY's text format: backslash, tab and line breaks are escaped; nothing else needs it. */
function escape(value: string): string {
  return /[\\\t\n\r]/.test(value) ? value.replace(/[\\\t\n\r]/g, (c) => ESCAPES[c]) : value;
}
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

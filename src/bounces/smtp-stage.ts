/** The SMTP command a remote server's refusal answered (RFC 5321 §3.3): MAIL FROM, RCPT TO, or DATA. */
export type SmtpStage = 'mail' | 'rcpt' | 'data';

/** How MTAs name the command in their own words: Postfix "(in reply to …)", Exim "after …" / "for … command". */
const NAMED_STAGES: ReadonlyArray<[RegExp, SmtpStage]> = [
  [/\b(?:in reply to|after|for) (?:the )?(?:end of )?data(?: command)?\b|\bfor text command\b/, 'data'],
  [/\b(?:in reply to|after|for) (?:the )?rcpt to\b/, 'rcpt'],
  [/\b(?:in reply to|after|for) (?:the )?mail from\b/, 'mail'],
];

/** A transcript's command line (">>> RCPT To:<…>") and the first refusal it got ("<<< 550 …"). */
const SENT = />>>\s*(mail from|rcpt to|data|\.)/g;
const REFUSAL = /<<<\s*[45]\d\d\b/;

/**
 * With PIPELINING (RFC 2920) a client sends RCPT TO and DATA together and reads the RCPT answers after; a server
 * that refused every recipient then answers DATA with 503 / 554 "no valid recipients". A transcript showing one
 * after the refusal says the refusal was the RCPT's.
 */
const PIPELINED =
  /<<<\s*503\b|rcpt first|need rcpt|valid rcpt command must precede data|no valid recipients|rcpt to: command before data/;

/**
 * The command a refusal answered, from the words around it; null when they do not say. Text in any case.
 * A transcript's last command before the first refusal wins over the MTA's own wording.
 */
export function refusalStage(text: string): SmtpStage | null {
  const lower = text.toLowerCase();
  const refusal = REFUSAL.exec(lower);
  if (refusal) {
    let sent: string | null = null;
    for (const m of lower.slice(0, refusal.index).matchAll(SENT)) sent = m[1];
    if (sent === 'mail from') return 'mail';
    if (sent === 'rcpt to') return 'rcpt';
    if (sent === 'data' || sent === '.') return PIPELINED.test(lower.slice(refusal.index)) ? 'rcpt' : 'data';
  }
  for (const [pattern, stage] of NAMED_STAGES) if (pattern.test(lower)) return stage;
  return null;
}

/**
 * The stage of the refusal a bounce's own text tells about one address: the lines around each mention of it
 * (a transcript puts the command just above the answer, Postfix its "(in reply to …)" just below).
 */
export function stageNear(human: string, email: string): SmtpStage | null {
  for (const around of linesAround(human, email)) {
    const stage = refusalStage(around);
    if (stage) return stage;
  }
  return null;
}

/** The lines around each mention of an address in a bounce's own text (three before, three after), joined. */
export function linesAround(human: string, email: string): string[] {
  const lines = human.split(/\r?\n/);
  const key = email.toLowerCase();
  const found: string[] = [];
  for (let i = 0; i < lines.length && found.length < 10; i++)
    if (lines[i].toLowerCase().includes(key)) found.push(lines.slice(Math.max(0, i - 3), i + 4).join(' '));
  return found;
}

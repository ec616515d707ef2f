import { createInterface } from 'node:readline';

/**
 * A password that is not on the command line (so neither npm's banner, the shell history nor `ps` shows it):
 * typed at a hidden prompt, twice, on a terminal; otherwise the first line of stdin (`… < file`, a pipe).
 * Undefined when there is none.
 */
export async function readPassword(): Promise<string | undefined> {
  if (!process.stdin.isTTY) return firstLineOfStdin();
  const first = await hiddenPrompt('Password: ');
  if (!first) return undefined;
  const again = await hiddenPrompt('Password again: ');
  if (again !== first) throw new Error('the two passwords differ');
  return first;
}

async function firstLineOfStdin(): Promise<string | undefined> {
  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
  for await (const line of lines) {
    lines.close();
    return line || undefined;
  }
  return undefined;
}

/** Reads one line in raw mode, echoing nothing. Ctrl-C cancels. */
function hiddenPrompt(prompt: string): Promise<string> {
  const stdin = process.stdin;
  process.stderr.write(prompt);
  stdin.setRawMode(true);
  stdin.setEncoding('utf8');
  stdin.resume();
  return new Promise((resolve, reject) => {
    let value = '';
    const finish = () => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write('\n');
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n') return (finish(), resolve(value));
        if (ch === '\u0003') return (finish(), reject(new Error('cancelled')));
        value = ch === '\u007f' || ch === '\b' ? value.slice(0, -1) : value + ch;
      }
    };
    stdin.on('data', onData);
  });
}

import type { MessageLogService } from '../delivery/message-log.service';
import { SentRecorder } from './sent-recorder';

/** The one method SentRecorder calls, recording what it was given; `failures` writes fail first. */
function fakeLog(failures = 0) {
  const writes: string[][] = [];
  let toFail = failures;
  const log = {
    markSentMany: (items: Array<{ id: string }>) => {
      if (toFail-- > 0) return Promise.reject(new Error('database away'));
      writes.push(items.map((i) => i.id));
      return Promise.resolve();
    },
  };
  return { log: log as unknown as MessageLogService, writes };
}

const sent = { messageId: '<m@x>', response: '250 OK' };

describe('SentRecorder', () => {
  it('writes acceptances that arrive together in one write, and resolves each once written', async () => {
    const { log, writes } = fakeLog();
    const recorder = new SentRecorder(log, 3);
    await Promise.all(['a', 'b', 'c'].map((id) => recorder.record(id, sent)));
    expect(writes).toEqual([['a', 'b', 'c']]);
  });

  it('writes a lone acceptance on its own once its short wait for company is over', async () => {
    const { log, writes } = fakeLog();
    const recorder = new SentRecorder(log, 100);
    await recorder.record('alone', sent);
    expect(writes).toEqual([['alone']]);
  });

  it('gathers what arrives while a write runs into the next write, in order', async () => {
    const { log, writes } = fakeLog();
    const recorder = new SentRecorder(log, 1);
    const first = recorder.record('a', sent);
    const later = [recorder.record('b', sent), recorder.record('c', sent)];
    await Promise.all([first, ...later]);
    await recorder.flush();
    expect(writes.flat()).toEqual(['a', 'b', 'c']);
    expect(writes.length).toBeLessThanOrEqual(2);
  });

  it('tries a failed write again until the database answers, so nothing accepted is left unrecorded', async () => {
    const { log, writes } = fakeLog(2);
    const recorder = new SentRecorder(log, 1);
    await recorder.record('a', sent);
    expect(writes).toEqual([['a']]);
  });
});

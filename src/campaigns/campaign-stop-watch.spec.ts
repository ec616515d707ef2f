import { Logger } from '@nestjs/common';
import { until } from '../../test/support/until';
import { CampaignStatus } from './campaign.entity';
import { CampaignRepository } from './campaign.repository';
import { CampaignStopWatch } from './campaign-stop-watch';

/** An in-memory stand-in for the campaigns table: statuses by id, and how often they were read. */
function table() {
  const statuses = new Map<string, CampaignStatus>();
  let reads = 0;
  let failing = false;
  const repo = {
    findStatus: (id: string) => {
      reads++;
      if (failing) return Promise.reject(new Error('database away'));
      const status = statuses.get(id);
      return Promise.resolve(status ? { id, status } : null);
    },
  } as unknown as CampaignRepository;
  return {
    repo,
    statuses,
    reads: () => reads,
    fail: (on: boolean) => (failing = on),
  };
}

describe('CampaignStopWatch', () => {
  let watch: CampaignStopWatch;
  // The watch logs a failed poll (the database away, on purpose below): not this spec's output.
  beforeAll(() => Logger.overrideLogger(false));
  afterAll(() => Logger.overrideLogger(['log', 'error', 'warn', 'debug', 'verbose']));
  afterEach(() => watch?.onModuleDestroy());

  it('answers a pause or cancel of this process at once, from memory', () => {
    const t = table();
    watch = new CampaignStopWatch(t.repo);
    watch.track('a');
    watch.track('b');
    expect(watch.stopped('a')).toBeNull();
    watch.stopNow('a', 'paused');
    watch.stopNow('b', 'cancelled');
    expect(watch.stopped('a')).toBe('paused');
    expect(watch.stopped('b')).toBe('cancelled');
    expect(t.reads()).toBe(0); // nothing read for it
    watch.resumed('a');
    expect(watch.stopped('a')).toBeNull();
  });

  it('hears a pause made elsewhere by polling the campaigns being sent, and a resume, a cancel, a deletion', async () => {
    const t = table();
    t.statuses.set('a', 'sending');
    watch = new CampaignStopWatch(t.repo);
    watch.track('a');
    await until(() => t.reads() >= 1, 'a first poll', 5_000, 10);
    expect(watch.stopped('a')).toBeNull();
    t.statuses.set('a', 'paused');
    await until(() => watch.stopped('a') === 'paused', 'the pause heard', 5_000, 10);
    t.statuses.set('a', 'sending');
    await until(() => watch.stopped('a') === null, 'the resume heard', 5_000, 10);
    t.statuses.set('a', 'cancelled');
    await until(() => watch.stopped('a') === 'cancelled', 'the cancel heard', 5_000, 10);
    t.statuses.delete('a');
    await until(() => watch.stopped('a') === 'gone', 'the deletion heard', 5_000, 10);
  });

  it('polls only while a batch runs, counting the batches of a campaign', async () => {
    const t = table();
    t.statuses.set('a', 'sending');
    watch = new CampaignStopWatch(t.repo);
    await watch.poll();
    expect(t.reads()).toBe(0); // nothing watched, nothing read
    watch.track('a');
    watch.track('a');
    watch.untrack('a');
    expect(watch.watched()).toEqual(['a']); // one batch still runs
    await until(() => t.reads() >= 2, 'polls while a batch runs', 5_000, 10);
    watch.untrack('a');
    expect(watch.watched()).toEqual([]);
    await watch.poll(); // one that had started may end
    const after = t.reads();
    await new Promise((r) => setTimeout(r, 400)); // several poll periods: no timer left
    expect(t.reads()).toBe(after);
  });

  it('forgets what it heard when the first batch of a campaign starts (it may have been resumed elsewhere)', () => {
    const t = table();
    watch = new CampaignStopWatch(t.repo);
    watch.stopNow('a', 'paused'); // paused here, no batch running
    expect(watch.stopped('a')).toBe('paused');
    watch.track('a'); // a batch started: it read the campaign 'sending' itself
    expect(watch.stopped('a')).toBeNull();
    watch.stopNow('a', 'paused');
    watch.track('a'); // a second batch of the same campaign: the pause still holds
    expect(watch.stopped('a')).toBe('paused');
  });

  it('keeps a pause heard while a poll was reading, and what it knew while the database is away', async () => {
    const t = table();
    t.statuses.set('a', 'sending');
    watch = new CampaignStopWatch(t.repo);
    watch.track('a');
    const reading = watch.poll(); // reads 'sending'…
    watch.stopNow('a', 'paused'); // …while this process pauses it
    await reading;
    expect(watch.stopped('a')).toBe('paused');
    t.fail(true);
    await watch.poll();
    expect(watch.stopped('a')).toBe('paused');
  });
});

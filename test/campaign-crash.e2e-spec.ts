import { UNRECORDED_PER_CONNECTION } from '../src/campaigns/campaign-sender.service';
import { CampaignRun } from './support/campaign-run';
import { PROCESS_TEST_TIMEOUT_MS } from './support/node-process';
import { SmtpSink } from './support/smtp-sink';
import { createTestDatabase, TestDatabase } from './support/test-database';

const READERS = 1500;
/** The campaign pool's SMTP connections (SMTP_CONNECTIONS): at most this many messages are in SMTP's hands at once. */
const SMTP_CONNECTIONS = 4;
/**
 * What a crash can send twice: the messages in SMTP's hands and those accepted and not yet recorded, at most
 * 1 + UNRECORDED_PER_CONNECTION per connection (README, Delivery).
 */
const DUPLICATES_BOUND = SMTP_CONNECTIONS * (1 + UNRECORDED_PER_CONNECTION);

describe('a campaign survives the process being killed (e2e)', () => {
  let db: TestDatabase;
  let sink: SmtpSink;
  let run: CampaignRun | undefined;
  beforeAll(async () => {
    db = await createTestDatabase();
    sink = await new SmtpSink().start();
  });
  afterAll(async () => {
    await run?.stop();
    await sink?.stop();
    await db?.drop();
  });

  it(
    'SIGKILL a third of the way, then a restart: nobody missed, duplicates no more than the messages handed to SMTP and unrecorded',
    async () => {
      run = new CampaignRun(db, sink);
      await run.start({ SEND_RATE: '100', SMTP_CONNECTIONS: String(SMTP_CONNECTIONS) });
      await run.prepare(READERS, 'crash');
      await run.send();

      await sink.waitFor(() => true, READERS / 3, 180_000);
      await run.proc!.stop('SIGKILL');
      const atDeath = await run.statusCounts();
      expect(atDeath.queued ?? 0).toBeGreaterThan(0); // killed in the middle indeed

      await run.restart();
      const campaign = await run.finished();
      expect(campaign.progress).toMatchObject({ total: READERS, sent: READERS, pending: 0, failed: 0 });
      expect(run.missing()).toEqual([]);
      const duplicates = run.duplicates();
      console.log(
        `SIGKILL: ${duplicates} reader(s) got the campaign twice (${atDeath.sending ?? 0} 'sending' at the kill)`,
      );
      expect(duplicates).toBeLessThanOrEqual(DUPLICATES_BOUND);
    },
    PROCESS_TEST_TIMEOUT_MS + 240_000,
  );
});

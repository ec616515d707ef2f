import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { PeriodicSweep } from '../queues/periodic-sweep';
import { AbTestsService } from './ab-tests.service';
import { Campaign, CampaignRepository } from './campaign.repository';

/**
 * A/B tests move on from what the database says, in every process that runs the campaign queue: a scheduled
 * test starts once its time has come; a running one gets its winner once the wait is over, then is 'sent' once
 * the winner's send is. Nothing lives only in Redis or in a timer, so a restart or a lost Redis loses no step;
 * two processes doing the same step at once are harmless (status and winner are compare-and-set).
 * What it costs while no test runs: one query on the campaigns that have a test and are scheduled or sending.
 */
export const AB_SWEEP_INTERVAL_MS = 5_000;

@Injectable()
export class AbTestSweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(AbTestSweeper.name);
  private readonly sweeper = new PeriodicSweep(AbTestSweeper.name, () => this.sweep(), AB_SWEEP_INTERVAL_MS);

  constructor(
    private readonly campaigns: CampaignRepository,
    private readonly abTests: AbTestsService,
  ) {}

  onApplicationBootstrap(): void {
    this.sweeper.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.sweeper.stop();
  }

  /** One sweep (also what tests call instead of waiting for the timer); answers the steps taken. */
  async sweep(now = Date.now()): Promise<number> {
    let steps = 0;
    for (const parent of await this.campaigns.findAbParents(['scheduled', 'sending'])) {
      try {
        if (await this.step(parent, now)) steps++;
      } catch (err: unknown) {
        // one test that cannot move on (its template deleted meanwhile…) does not hold up the others
        this.logger.warn({ err, campaignId: parent.id }, 'A/B test step failed; tried again at the next sweep');
      }
    }
    return steps;
  }

  private async step(parent: Campaign, now: number): Promise<boolean> {
    if (parent.status === 'scheduled')
      return !!parent.sendAt && new Date(parent.sendAt).getTime() <= now && this.abTests.begin(parent.id);
    // sending: its variants made if they are not yet (the process that sent it stopped first), else moved on
    if (!parent.preparedAt) return this.abTests.start(parent.id);
    return (await this.abTests.advance(parent, now)) !== null;
  }
}

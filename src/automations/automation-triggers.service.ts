import { Injectable, Logger } from '@nestjs/common';
import { emailKeyOf } from '../subscribers/email-key';
import { SubscriberRepository } from '../subscribers/subscriber.repository';
import { Automation, AutomationEvent, AutomationRepository } from './automation.repository';
import { EnrolmentRepository } from './enrolment.repository';
import { AutomationRunner } from './automation-runner.service';
import { firstDueAt } from './step-timing';

/** How long a process trusts its copy of the active automations of a trigger (another process may change them). */
const ACTIVE_CACHE_MS = 5_000;

/** The order statuses that trigger automations. */
const ORDER_EVENTS: Record<string, AutomationEvent> = {
  placed: 'order.placed',
  shipped: 'order.shipped',
  delivered: 'order.delivered',
};

/**
 * Where people enter automations: a confirmed subscription (double opt-in confirmation, or a single opt-in
 * sign-up) and an order event. Enrolment is one insert that a unique key makes idempotent; the runner is woken
 * to send what is due at once. Only active automations enrol; only people subscribed (confirmed) to one of the
 * automation's lists are enrolled.
 */
@Injectable()
export class AutomationTriggers {
  private readonly logger = new Logger(AutomationTriggers.name);
  private readonly active = new Map<AutomationEvent, { at: number; rows: Promise<Automation[]> }>();

  constructor(
    private readonly automations: AutomationRepository,
    private readonly enrolments: EnrolmentRepository,
    private readonly subscribers: SubscriberRepository,
    private readonly runner: AutomationRunner,
  ) {}

  /** A person's memberships of `listIds` were just confirmed. Never throws: the confirmation stands regardless. */
  async subscriptionConfirmed(subscriberId: string, listIds: string[]): Promise<void> {
    await this.guard(async () => {
      const matching = (await this.activeOf('subscription.confirmed')).filter((a) =>
        a.listIds.some((l) => listIds.includes(l)),
      );
      await this.enrol(matching, subscriberId);
    });
  }

  /**
   * An order event for a customer's address. Costs the order API one cached look-up when no automation waits
   * for this status; else a subscriber look-up, a membership check and one insert. Never throws.
   */
  async orderEvent(status: string, email: string): Promise<void> {
    const event = ORDER_EVENTS[status];
    if (!event) return;
    await this.guard(async () => {
      const matching = await this.activeOf(event);
      if (!matching.length) return;
      const subscriberId = await this.subscribers.idByEmailKey(emailKeyOf(email));
      if (!subscriberId) return; // not a subscriber: no marketing consent
      await this.enrol(matching, subscriberId);
    });
  }

  /** Drops this process's copy of the active automations (after a change made here). */
  forget(): void {
    this.active.clear();
  }

  private async enrol(automations: Automation[], subscriberId: string): Promise<void> {
    let dueNow = false;
    for (const a of automations) {
      // Marketing consent is the list's: a customer subscribed to none of the automation's lists is skipped.
      const [status] = await this.subscribers.audienceStatusOf([subscriberId], a.listIds);
      if (!status || status.status !== 'enabled' || !Number(status.member)) continue;
      const due = firstDueAt(a);
      await this.enrolments.enrol(a.id, [subscriberId], due);
      dueNow ||= due.getTime() <= Date.now();
    }
    // A first step due at once is sent now; a later one is left to the sweep (no work on the request's process).
    if (dueNow) this.runner.wake();
  }

  private activeOf(event: AutomationEvent): Promise<Automation[]> {
    const cached = this.active.get(event);
    if (cached && Date.now() - cached.at < ACTIVE_CACHE_MS) return cached.rows;
    const rows = this.automations.findByEvent(event, 'active');
    this.active.set(event, { at: Date.now(), rows });
    rows.catch(() => this.active.delete(event));
    return rows;
  }

  private async guard(work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (err: unknown) {
      this.logger.error({ err }, 'could not enrol into automations');
    }
  }
}

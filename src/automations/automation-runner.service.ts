import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Transactions } from '../database/transaction';
import { MessageEventRepository } from '../delivery/message-event.repository';
import { MessageLogService } from '../delivery/message-log.service';
import { messageIdFor, OutboxService } from '../delivery/outbox.service';
import { SuppressionService } from '../delivery/suppression.service';
import { PeriodicSweep } from '../queues/periodic-sweep';
import { SubscriberRepository } from '../subscribers/subscriber.repository';
import { SubscriptionRepository } from '../subscribers/subscription.repository';
import { Automation, AutomationRepository } from './automation.repository';
import { AutomationEnrolment, EnrolmentRepository } from './enrolment.repository';
import { StepSendRepository } from './step-send.repository';
import { firstDueAt, hoursMs } from './step-timing';

/** Enrolments handled per round of a sweep. */
const BATCH = 200;
/** How often the `inactive` triggers look for people (they scan the automations' lists, so not every sweep). */
export const INACTIVE_SCAN_MS = 3600_000;
/** Members read per page of an `inactive` scan. */
const SCAN_PAGE = 500;

/** The message id of a step's mail to a person: a job run twice, or two workers, name the same message. */
export function stepMessageId(automationId: string, subscriberId: string, stepIndex: number): string {
  return messageIdFor(`automation:${automationId}:${subscriberId}:${stepIndex}`);
}

/**
 * Sends automations' steps when they are due, from the database: a periodic sweep (and a wake-up right after an
 * enrolment) finds due enrolments, checks that the person may still get the mail, and in one transaction moves the
 * enrolment on (compare-and-set), writes the step's send row (unique per person and step) and its outbox message;
 * then queues the message. A restart, a lost Redis or two workers therefore never send a step twice nor lose one.
 * Someone unsubscribed from every list of the automation, blocklisted, suppressed or erased leaves it here.
 * The same sweep runs the sunset checks and, hourly, the `inactive` triggers.
 */
@Injectable()
export class AutomationRunner implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(AutomationRunner.name);
  private readonly sweeper = new PeriodicSweep('AutomationSweeper', () => this.sweep());
  private lastInactiveScan = 0;
  private woken = false;
  private waking: Promise<void> | null = null;

  constructor(
    private readonly transactions: Transactions,
    private readonly automations: AutomationRepository,
    private readonly enrolments: EnrolmentRepository,
    private readonly sends: StepSendRepository,
    private readonly subscribers: SubscriberRepository,
    private readonly subscriptions: SubscriptionRepository,
    private readonly suppressions: SuppressionService,
    private readonly outbox: OutboxService,
    private readonly events: MessageEventRepository,
    private readonly log: MessageLogService,
  ) {}

  onApplicationBootstrap(): void {
    this.sweeper.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.sweeper.stop();
    await this.waking;
  }

  /** Sends what is due soon, without waiting for the next sweep; calls while one runs make it run once more. */
  wake(): void {
    this.woken = true;
    this.waking ??= (async () => {
      while (this.woken) {
        this.woken = false;
        await this.sweeper.runOnce();
      }
    })().finally(() => (this.waking = null));
  }

  /** One sweep: due steps, due sunset checks, and the `inactive` triggers when their hour has come. */
  async sweep(now = new Date()): Promise<void> {
    await this.sendDue(now);
    await this.runSunsets(now);
    if (Date.now() - this.lastInactiveScan >= INACTIVE_SCAN_MS) {
      this.lastInactiveScan = Date.now();
      await this.enrolInactive(now);
    }
  }

  /** Sends every step due by `now`; answers how many messages it wrote. */
  async sendDue(now = new Date()): Promise<number> {
    let written = 0;
    for (;;) {
      const due = await this.enrolments.due(now, BATCH);
      if (!due.length) return written;
      const automations = new Map(
        (await this.automations.findByIds([...new Set(due.map((e) => e.automationId))])).map((a) => [a.id, a]),
      );
      let moved = 0;
      for (const [automationId, group] of groupBy(due, (e) => e.automationId)) {
        const automation = automations.get(automationId);
        if (!automation) continue;
        const eligible = await this.eligible(automation, group);
        for (const e of group) {
          const person = eligible.get(e.subscriberId);
          if (!person) continue;
          if (typeof person === 'string') {
            await this.enrolments.leave(e.id, person);
            moved++;
            continue;
          }
          const id = await this.sendStep(automation, e, person, now);
          moved++;
          if (id) {
            await this.outbox.enqueue(id);
            written++;
          }
        }
      }
      // Nothing could move (every row raced another worker, which moved them): the next round reads anew.
      if (!moved) return written;
    }
  }

  /** Per person: their address and name, or why they leave the automation. */
  private async eligible(
    a: Automation,
    group: AutomationEnrolment[],
  ): Promise<Map<string, { email: string; name: string } | string>> {
    const ids = group.map((e) => e.subscriberId);
    const statuses = new Map((await this.subscribers.audienceStatusOf(ids, a.listIds)).map((s) => [s.id, s]));
    const out = new Map<string, { email: string; name: string } | string>();
    const people: { id: string; email: string; name: string }[] = [];
    for (const id of ids) {
      const s = statuses.get(id);
      if (!s) out.set(id, 'erased');
      else if (s.status !== 'enabled') out.set(id, 'blocklisted');
      else if (!Number(s.member)) out.set(id, 'not subscribed');
      else people.push({ id, email: s.email, name: s.name });
    }
    const suppressed = await this.suppressions.suppressedAmong(people.map((p) => p.email));
    for (const p of people) out.set(p.id, suppressed.has(p.email) ? 'suppressed' : { email: p.email, name: p.name });
    return out;
  }

  /**
   * Writes one step's message and moves the enrolment on, in one transaction; null when another worker got there
   * first, or when the automation has no such step any more (its steps were shortened: the series ends).
   */
  private async sendStep(
    a: Automation,
    e: AutomationEnrolment,
    to: { email: string; name: string },
    now: Date,
  ): Promise<string | null> {
    const step = a.steps[e.nextStep];
    const next = a.steps[e.nextStep + 1];
    if (!step) {
      await this.enrolments.advance(e.id, e.nextStep, { nextStep: e.nextStep, nextDueAt: null, status: 'done' });
      return null;
    }
    const messageId = stepMessageId(a.id, e.subscriberId, e.nextStep);
    return this.transactions.run(async (tx) => {
      const moved = await this.enrolments.advance(
        e.id,
        e.nextStep,
        next
          ? {
              nextStep: e.nextStep + 1,
              nextDueAt: new Date(now.getTime() + hoursMs(next.delayHours)),
              status: 'active',
            }
          : { nextStep: e.nextStep + 1, nextDueAt: null, status: 'done' },
        tx,
      );
      if (!moved) return null;
      await this.outbox.create(
        {
          kind: 'automation',
          id: messageId,
          to,
          template: 'automation',
          templateVersionId: step.templateVersionId,
          data: { automationId: a.id, stepIndex: e.nextStep },
          subscriberId: e.subscriberId,
        },
        tx,
      );
      const sunsetDueAt =
        step.sunsetAfterHours !== null ? new Date(now.getTime() + hoursMs(step.sunsetAfterHours)) : null;
      await this.sends.insertSend(
        { automationId: a.id, subscriberId: e.subscriberId, stepIndex: e.nextStep, messageId, sunsetDueAt },
        tx,
      );
      return messageId;
    });
  }

  /**
   * Sunset: a step's mail that no person opened within its `sunsetAfterHours` unsubscribes its recipient from
   * the automation's lists (recorded on the message, like any unsubscribe). Answers how many were unsubscribed.
   */
  async runSunsets(now = new Date()): Promise<number> {
    let unsubscribed = 0;
    for (;;) {
      const due = await this.sends.dueSunsets(now, BATCH);
      if (!due.length) return unsubscribed;
      const opened = await this.events.humanOpened(due.map((s) => s.messageId));
      const automations = new Map(
        (await this.automations.findByIds([...new Set(due.map((s) => s.automationId))])).map((a) => [a.id, a]),
      );
      for (const send of due) {
        const automation = automations.get(send.automationId);
        await this.transactions.run(async (tx) => {
          if (!(await this.sends.clearSunset(send.id, tx))) return;
          if (opened.has(send.messageId) || !automation) return;
          const left = await this.subscriptions.leaveActive(send.subscriberId, automation.listIds, now, tx);
          if (!left) return;
          await this.log.addEvent(send.messageId, 'unsubscribed', { lists: automation.listIds, via: 'sunset' }, tx);
          unsubscribed++;
        });
      }
    }
  }

  /**
   * The `inactive` triggers: each active one enrols the members of its lists (confirmed, enabled) who have been
   * subscribers longer than its days and opened nothing as a person in that time. Each person once per automation.
   */
  async enrolInactive(now = new Date()): Promise<number> {
    let enrolled = 0;
    for (const a of await this.automations.findByEvent('inactive', 'active')) {
      const since = new Date(now.getTime() - hoursMs(24 * Number(a.triggerDays ?? 0)));
      let after: string | null = null;
      for (;;) {
        const page = await this.subscribers.eligibleAudiencePage(a.listIds, after, SCAN_PAGE);
        if (!page.length) break;
        after = page[page.length - 1].subscriberId;
        const known = await this.enrolments.enrolledAmong(
          a.id,
          page.map((p) => p.subscriberId),
        );
        const candidates = page.map((p) => p.subscriberId).filter((id) => !known.has(id));
        const inactive = await this.events.inactiveSince(candidates, since);
        if (inactive.length) await this.enrolments.enrol(a.id, inactive, firstDueAt(a, now.getTime()));
        enrolled += inactive.length;
      }
    }
    if (enrolled) this.logger.log({ enrolled }, 'inactive subscribers enrolled');
    return enrolled;
  }
}

function groupBy<T>(rows: T[], key: (row: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const r of rows) {
    const k = key(r);
    const list = out.get(k);
    if (list) list.push(r);
    else out.set(k, [r]);
  }
  return out;
}

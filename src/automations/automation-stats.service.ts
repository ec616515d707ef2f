import { Injectable } from '@nestjs/common';
import { MessageEventRepository, MessageEventType } from '../delivery/message-event.repository';
import { AutomationsService } from './automations.service';
import { EnrolmentRepository } from './enrolment.repository';
import { StepSendRepository } from './step-send.repository';

/** Message ids counted per query. */
const PAGE = 500;
const TYPES: MessageEventType[] = [
  'sent',
  'failed',
  'bounced',
  'skipped',
  'opened',
  'clicked',
  'unsubscribed',
  'complained',
];

export interface StepStats {
  index: number;
  subject: string;
  delayHours: number;
  /** people whose next mail is this step */
  waiting: number;
  /** messages written for this step */
  messages: number;
  sent: number;
  failed: number;
  bounced: number;
  /** not sent after all: the person left, was suppressed or erased before SMTP */
  skipped: number;
  opens: { unique: number; total: number; machine: number };
  clicks: { unique: number; total: number };
  unsubscribes: number;
  complaints: number;
}

export interface AutomationStats {
  id: string;
  status: string;
  enrolled: { active: number; done: number; left: number; total: number };
  steps: StepStats[];
}

/** GET /api/automations/:id/stats: who is where, and each step's report (machine opens and scanner clicks apart). */
@Injectable()
export class AutomationStatsService {
  constructor(
    private readonly automations: AutomationsService,
    private readonly enrolments: EnrolmentRepository,
    private readonly sends: StepSendRepository,
    private readonly events: MessageEventRepository,
  ) {}

  async of(id: string): Promise<AutomationStats> {
    const a = await this.automations.find(id);
    const byStatus = await this.enrolments.countByStatus(id);
    const waiting = await this.enrolments.waitingByStep(id);
    const steps: StepStats[] = [];
    for (const [index, step] of a.steps.entries()) {
      const s: StepStats = {
        index,
        subject: step.subject,
        delayHours: step.delayHours,
        waiting: waiting.get(index) ?? 0,
        messages: 0,
        sent: 0,
        failed: 0,
        bounced: 0,
        skipped: 0,
        opens: { unique: 0, total: 0, machine: 0 },
        clicks: { unique: 0, total: 0 },
        unsubscribes: 0,
        complaints: 0,
      };
      let after: string | null = null;
      for (;;) {
        const page = await this.sends.stepMessagesPage(id, index, after, PAGE);
        if (!page.length) break;
        after = page[page.length - 1].id;
        s.messages += page.length;
        for (const c of await this.events.messagesEventCounts(
          page.map((p) => p.messageId),
          TYPES,
        )) {
          if (c.type === 'opened') {
            if (c.machine) s.opens.machine += c.total;
            else {
              s.opens.unique += c.unique;
              s.opens.total += c.total;
            }
          } else if (c.type === 'clicked') {
            if (!c.machine) {
              s.clicks.unique += c.unique;
              s.clicks.total += c.total;
            }
          } else if (c.type === 'unsubscribed') s.unsubscribes += c.unique;
          else if (c.type === 'complained') s.complaints += c.unique;
          else if (c.type === 'sent' || c.type === 'failed' || c.type === 'bounced' || c.type === 'skipped')
            s[c.type] += c.unique;
        }
      }
      steps.push(s);
    }
    const total = byStatus.active + byStatus.done + byStatus.left;
    return { id, status: a.status, enrolled: { ...byStatus, total }, steps };
  }
}

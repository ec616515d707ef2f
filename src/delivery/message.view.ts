import { MessageEvent } from './message-event.entity';
import { Message, MessageStatus } from './message.entity';

/** 'sending' is an internal step (SMTP in progress); outside it is still 'queued'. */
export function publicStatus(status: MessageStatus): Exclude<MessageStatus, 'sending'> {
  return status === 'sending' ? 'queued' : status;
}

export interface MessageSummary {
  id: string;
  /** the contract's two streams; `kind` says more: transactional, campaign, test, confirmation, preferences-link */
  stream: Message['stream'];
  kind: Message['kind'];
  to: { email: string; name: string };
  template: string;
  status: ReturnType<typeof publicStatus>;
  attempts: number;
  campaignId: string | null;
  idempotencyKey: string | null;
  lastError: string | null;
  createdAt: Date;
  sentAt: Date | null;
}

export interface MessageView extends MessageSummary {
  events: { type: MessageEvent['type']; at: Date; detail: Record<string, unknown> | null }[];
}

export function messageSummary(m: Message): MessageSummary {
  return {
    id: m.id,
    stream: m.stream,
    kind: m.kind,
    to: { email: m.toEmail, name: m.toName },
    template: m.template,
    status: publicStatus(m.status),
    attempts: m.attempts,
    // A test send is no message of its campaign (nothing counts it), but it names the campaign it tried.
    campaignId:
      m.campaignId ?? (m.kind === 'test' && typeof m.data?.campaignId === 'string' ? m.data.campaignId : null),
    idempotencyKey: m.idempotencyKey,
    lastError: m.lastError,
    createdAt: m.createdAt,
    sentAt: m.sentAt,
  };
}

export function messageView(m: Message, events: MessageEvent[]): MessageView {
  return { ...messageSummary(m), events: events.map((e) => ({ type: e.type, at: e.at, detail: e.detail })) };
}

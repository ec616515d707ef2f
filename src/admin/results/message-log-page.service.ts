import { Injectable } from '@nestjs/common';
import { CampaignRepository } from '../../campaigns/campaign.repository';
import { ListMessagesQuery } from '../../delivery/dto/list-messages.query';
import { MessageSummary, MessageView } from '../../delivery/message.view';
import { MessagesService } from '../../delivery/messages.service';
import { TemplatesService } from '../../templates/templates.service';

const ORDER_KEY = /^order:(.+):(placed|shipped|delivered|cancelled|refunded)$/;

export interface LogRow extends MessageSummary {
  /** the order number of an order mail (its idempotency key is order:<orderId>:<status>) */
  orderId: string | null;
  campaignName: string | null;
  /** the template's name where it has one (stored or built-in); campaign mail shows its campaign instead */
  templateName: string | null;
  /** what the message is, in words: "Order mail", "Test send", "Subscription confirmation"… */
  kindLabel: string;
}

const KIND_LABELS: Record<MessageSummary['kind'], string> = {
  transactional: 'Transactional',
  campaign: 'Campaign',
  test: 'Test send',
  confirmation: 'Subscription confirmation',
  'preferences-link': 'Preferences link',
  automation: 'Automation step',
};

interface Names {
  campaigns: Map<string, string>;
  templates: Map<string, string>;
}

export interface EventRow {
  type: string;
  at: Date;
  /** the event's detail as readable "key: value" lines */
  details: string[];
}

export interface MessagePage {
  rows: LogRow[];
  total: number;
  page: number;
  firstShown: number;
  lastShown: number;
}

/**
 * The message log as the admin pages show it: MessagesService's list and detail (its search matches the
 * address, the name or the idempotency key, so an order number finds the order's mails), with order numbers,
 * template and campaign names and what each message is (order mail, test send, confirmation…) made readable.
 */
@Injectable()
export class MessageLogPageService {
  constructor(
    private readonly messages: MessagesService,
    private readonly templates: TemplatesService,
    private readonly campaigns: CampaignRepository,
  ) {}

  async list(query: ListMessagesQuery): Promise<MessagePage> {
    const search = query.search?.trim().replace(/^#/, '');
    const found = await this.messages.list(
      Object.assign(new ListMessagesQuery(), query, { search: search || undefined }),
    );
    const names = await this.namesOf(found.items);
    const start = (found.page - 1) * found.limit;
    return {
      rows: found.items.map((m) => this.row(m, names)),
      total: found.total,
      page: found.page,
      firstShown: found.items.length ? start + 1 : 0,
      lastShown: start + found.items.length,
    };
  }

  async get(id: string): Promise<{ message: LogRow; events: EventRow[] }> {
    const message: MessageView = await this.messages.get(id);
    const names = await this.namesOf([message]);
    return {
      message: this.row(message, names),
      events: message.events.map((e) => ({ type: e.type, at: e.at, details: detailLines(e.detail) })),
    };
  }

  private row(m: MessageSummary, names: Names): LogRow {
    const {
      id,
      stream,
      kind,
      to,
      template,
      status,
      attempts,
      campaignId,
      idempotencyKey,
      lastError,
      createdAt,
      sentAt,
    } = m;
    return {
      id,
      stream,
      kind,
      to,
      template,
      status,
      attempts,
      campaignId,
      idempotencyKey,
      lastError,
      createdAt,
      sentAt,
      orderId: ORDER_KEY.exec(idempotencyKey ?? '')?.[1] ?? null,
      campaignName: campaignId ? (names.campaigns.get(campaignId) ?? null) : null,
      templateName: names.templates.get(template) ?? null,
      kindLabel: KIND_LABELS[kind] ?? kind,
    };
  }

  private async namesOf(messages: MessageSummary[]): Promise<Names> {
    const [campaigns, templates] = await Promise.all([
      this.campaignNames(messages.map((m) => m.campaignId)),
      this.templates.namesOf(messages.filter((m) => m.kind !== 'campaign' && m.kind !== 'test').map((m) => m.template)),
    ]);
    return { campaigns, templates };
  }

  private async campaignNames(ids: (string | null)[]): Promise<Map<string, string>> {
    const wanted = [...new Set(ids.filter((id): id is string => !!id))];
    if (!wanted.length) return new Map();
    const rows = await this.campaigns.findNames(wanted);
    return new Map(rows.map((c) => [c.id, c.name]));
  }
}

/** {response: '250 OK', machine: true} → ['response: 250 OK', 'machine: yes']; nested values as JSON. */
export function detailLines(detail: Record<string, unknown> | null): string[] {
  if (!detail) return [];
  return Object.entries(detail)
    .filter(([, v]) => v !== null && v !== undefined && v !== '')
    .map(
      ([k, v]) =>
        `${humanKey(k)}: ${typeof v === 'boolean' ? (v ? 'yes' : 'no') : typeof v === 'object' ? JSON.stringify(v) : String(v as string | number | bigint)}`,
    );
}

function humanKey(key: string): string {
  return key.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
}

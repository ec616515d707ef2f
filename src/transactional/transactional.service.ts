import { BadRequestException, Injectable } from '@nestjs/common';
import { Transactions } from '../database/transaction';
import { Message, MessageRepository } from '../delivery/message.repository';
import { publicStatus } from '../delivery/message.view';
import { OutboxService } from '../delivery/outbox.service';
import { RendererService } from '../templates/render/renderer.service';
import { TemplateDataError } from '../templates/template-errors';
import { TemplatesService } from '../templates/templates.service';
import { isUniqueViolation } from '../database/unique-violation';

export interface TransactionalRequest {
  template: string;
  to: { email: string; name?: string };
  data: Record<string, unknown>;
  idempotencyKey?: string;
}

/** How long an idempotency key answers with the message it first created. */
export const IDEMPOTENCY_WINDOW_MS = 24 * 60 * 60 * 1000;

/**
 * Validates a transactional message against its template and hands it to the outbox (a message row, then its job).
 * Everything that can be refused is refused here, before the 202: SMTP is only touched by the worker.
 */
@Injectable()
export class TransactionalService {
  constructor(
    private readonly transactions: Transactions,
    private readonly outbox: OutboxService,
    private readonly templates: TemplatesService,
    private readonly renderer: RendererService,
    private readonly messages: MessageRepository,
  ) {}

  /**
   * `dataField` names where the template data sits in the request body, for the 400's field names:
   * "data" for /transactional/messages, "" for an order event whose body is the data.
   */
  async queue(req: TransactionalRequest, dataField: 'data' | ''): Promise<{ id: string; status: string }> {
    const key = req.idempotencyKey;
    if (key) {
      const earlier = await this.recent(key);
      if (earlier) return this.answerFor(earlier);
    }
    const versionId = await this.validate(req, dataField);
    let id: string;
    try {
      id = await this.transactions.run(async (tx) => {
        // An expired key is set aside (still searchable in the log) so it can name a new message.
        if (key) await this.messages.setIdempotencyKeyAside(key, new Date(Date.now() - IDEMPOTENCY_WINDOW_MS), tx);
        return this.outbox.create(
          {
            kind: 'transactional',
            to: req.to,
            template: req.template,
            templateVersionId: versionId,
            data: req.data,
            idempotencyKey: key ?? null,
          },
          tx,
        );
      });
    } catch (e) {
      // The same key posted twice at once: the other request created the message.
      const winner = key && isUniqueViolation(e) ? await this.recent(key) : null;
      if (winner) return this.answerFor(winner);
      throw e;
    }
    await this.outbox.enqueue(id);
    return { id, status: 'queued' };
  }

  /** Unknown template: 404 (from resolve); data that does not fit it: 400 naming the fields. */
  private async validate(req: TransactionalRequest, dataField: 'data' | ''): Promise<string> {
    const resolved = await this.templates.resolve(req.template);
    const compiled = await this.renderer.compile(resolved.source);
    if (!compiled.render)
      throw new BadRequestException(`Template ${req.template} cannot be rendered; fix it in the template editor`);
    try {
      this.renderer.fill(compiled, req.data);
    } catch (e) {
      if (!(e instanceof TemplateDataError)) throw e;
      // The renderer names fields from the data's root ("data.order.number is required").
      const messages = ([] as string[]).concat(e.messages);
      throw new TemplateDataError(dataField === 'data' ? messages : messages.map((m) => m.replace(/^data\./, '')));
    }
    return resolved.source.versionId;
  }

  private recent(key: string): Promise<Message | null> {
    return this.messages.findByIdempotencyKeySince(key, new Date(Date.now() - IDEMPOTENCY_WINDOW_MS));
  }

  /** A repeated request answers the first message; its job is queued again in case queueing failed the first time. */
  private async answerFor(message: Message): Promise<{ id: string; status: string }> {
    if (message.status === 'queued' || message.status === 'sending') await this.outbox.enqueue(message.id);
    return { id: message.id, status: publicStatus(message.status) };
  }
}

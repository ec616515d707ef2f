import { Injectable, NotFoundException } from '@nestjs/common';
import { Page } from '../common/pagination';
import { ListMessagesQuery } from './dto/list-messages.query';
import { MessageEventRepository } from './message-event.repository';
import { MessageRepository } from './message.repository';
import { MessageSummary, messageSummary, MessageView, messageView } from './message.view';

/** The message log as the API shows it. */
@Injectable()
export class MessagesService {
  constructor(
    private readonly messages: MessageRepository,
    private readonly events: MessageEventRepository,
  ) {}

  async get(id: string): Promise<MessageView> {
    const message = await this.messages.findById(id);
    if (!message) throw new NotFoundException(`Message ${id} not found`);
    return messageView(message, await this.events.ofMessage(id));
  }

  /**
   * Newest first; `search` matches the address, the recipient's name or the idempotency key (e.g. `order:1042:`),
   * case-insensitively (LOWER is ASCII-only on SQLite: a name with other capitals is found as it is spelled).
   */
  async list(query: ListMessagesQuery): Promise<Page<MessageSummary>> {
    const [rows, total] = await this.messages.search({
      stream: query.stream,
      kind: query.kind,
      search: query.search,
      skip: (query.page - 1) * query.limit,
      take: query.limit,
    });
    return { items: rows.map(messageSummary), total, page: query.page, limit: query.limit };
  }
}

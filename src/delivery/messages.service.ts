import { Injectable, NotFoundException } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { Page } from '../common/pagination';
import { ListMessagesQuery } from './dto/list-messages.query';
import { MessageEvent } from './message-event.entity';
import { Message } from './message.entity';
import { MessageSummary, messageSummary, MessageView, messageView } from './message.view';

/** The message log as the API shows it. */
@Injectable()
export class MessagesService {
  constructor(
    @InjectRepository(Message) private readonly messages: Repository<Message>,
    @InjectRepository(MessageEvent) private readonly events: Repository<MessageEvent>,
  ) {}

  async get(id: string): Promise<MessageView> {
    const message = await this.messages.findOneBy({ id });
    if (!message) throw new NotFoundException(`Message ${id} not found`);
    const events = await this.events.find({ where: { messageId: id }, order: { at: 'ASC' } });
    return messageView(message, events);
  }

  /**
   * Newest first; `search` matches the address, the recipient's name or the idempotency key (e.g. `order:1042:`),
   * case-insensitively (LOWER is ASCII-only on SQLite: a name with other capitals is found as it is spelled).
   */
  async list(query: ListMessagesQuery): Promise<Page<MessageSummary>> {
    const qb = this.messages.createQueryBuilder('m');
    if (query.stream) qb.andWhere('m.stream = :stream', { stream: query.stream });
    if (query.kind) qb.andWhere('m.kind = :kind', { kind: query.kind });
    if (query.search) {
      const like = `%${query.search.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      qb.andWhere(
        "(LOWER(m.to_email) LIKE :like ESCAPE '\\' OR LOWER(m.to_name) LIKE :like ESCAPE '\\' OR LOWER(m.idempotency_key) LIKE :like ESCAPE '\\')",
        { like },
      );
    }
    const [rows, total] = await qb
      .orderBy('m.created_at', 'DESC')
      .addOrderBy('m.id', 'ASC')
      .skip((query.page - 1) * query.limit)
      .take(query.limit)
      .getManyAndCount();
    return { items: rows.map(messageSummary), total, page: query.page, limit: query.limit };
  }
}

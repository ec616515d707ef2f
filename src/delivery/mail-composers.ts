import { Injectable } from '@nestjs/common';
import type { OutgoingMail } from './mail-sender.service';
import type { Message, MessageKind } from './message.entity';

/**
 * What a message becomes just before SMTP: the mail to send, or why it is not sent after all.
 * `failed`: it cannot be sent however often it is tried (the template no longer renders with the data);
 * `skipped`: it need not be (the campaign of a test send was deleted meanwhile).
 */
export type Composed = { mail: OutgoingMail } | { failed: string } | { skipped: string };

/** Turns one message row of a kind into mail; anything it throws is retried by the outbox. */
export interface MailComposer {
  compose(message: Message): Promise<Composed>;
}

/**
 * The outbox delivers every kind alike, but only the feature that owns a kind knows how to write its mail
 * (templates for transactional and system mail, campaigns for test sends). Each registers its composer here at
 * start-up, so delivery depends on no feature.
 */
@Injectable()
export class MailComposers {
  private readonly byKind = new Map<MessageKind, MailComposer>();

  register(kinds: MessageKind[], composer: MailComposer): void {
    for (const kind of kinds) this.byKind.set(kind, composer);
  }

  of(kind: MessageKind): MailComposer {
    const composer = this.byKind.get(kind);
    if (!composer) throw new Error(`No composer is registered for ${kind} messages`);
    return composer;
  }
}

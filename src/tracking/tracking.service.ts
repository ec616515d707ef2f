import { Injectable } from '@nestjs/common';
import { MessageRepository } from '../delivery/message.repository';
import { TokenService } from '../tokens/token.service';
import { Client, EngagementRecorder } from './engagement-recorder.service';
import { isUuid } from '../common/uuid';

/** What the open pixel and the click redirect do with their tokens (payloads: open {m}, click {m, u}). */
@Injectable()
export class TrackingService {
  constructor(
    private readonly tokens: TokenService,
    private readonly recorder: EngagementRecorder,
    private readonly messages: MessageRepository,
  ) {}

  /** Records the open of a valid token (buffered: no database work here); anything else is ignored. */
  open(token: string, client: Client): void {
    const claims = this.tokens.verify<{ m?: unknown }>('open', token);
    if (!claims || typeof claims.m !== 'string' || !isUuid(claims.m)) return;
    this.recorder.record({ kind: 'open', messageId: claims.m.toLowerCase(), at: new Date(), ...client });
  }

  /**
   * The URL a valid click token leads to, after recording the click; null for a forged token or one
   * whose message no longer exists (the caller answers 404, never a redirect).
   */
  async click(token: string, method: string, client: Client): Promise<string | null> {
    const claims = this.tokens.verify<{ m?: unknown; u?: unknown; t?: unknown }>('click', token);
    if (!claims || typeof claims.u !== 'string' || !/^https?:\/\//i.test(claims.u)) return null;
    // A test send's link (signed, names no message): it redirects so the editor can check it, and records nothing.
    if (claims.t === 1 && claims.m === undefined) return claims.u;
    if (typeof claims.m !== 'string' || !isUuid(claims.m)) return null;
    const message = await this.messages.findSentAt(claims.m.toLowerCase());
    if (!message) return null;
    this.recorder.record({
      kind: 'click',
      messageId: message.id,
      url: claims.u,
      at: new Date(),
      method,
      sentAt: message.sentAt,
      ...client,
    });
    return claims.u;
  }
}

import { Injectable } from '@nestjs/common';
import { MessageRepository } from '../delivery/message.repository';
import { TokenService } from '../tokens/token.service';
import { Client, EngagementRecorder } from './engagement-recorder.service';

/** What the open pixel and the click redirect do with their tokens (claims: open {m}, click {m, u}). */
@Injectable()
export class TrackingService {
  constructor(
    private readonly tokens: TokenService,
    private readonly recorder: EngagementRecorder,
    private readonly messages: MessageRepository,
  ) {}

  /** Records the open of a valid token (buffered: no database work here); anything else is ignored. */
  open(token: string, client: Client): void {
    const claims = this.tokens.verify('open', token);
    // A test send's pixel names no message: nothing to record.
    if (!claims || 't' in claims) return;
    this.recorder.record({ kind: 'open', messageId: claims.m, at: new Date(), ...client });
  }

  /**
   * The URL a valid click token leads to, after recording the click; null for a forged token or one
   * whose message no longer exists (the caller answers 404, never a redirect).
   */
  async click(token: string, method: string, client: Client): Promise<string | null> {
    const claims = this.tokens.verify('click', token);
    if (!claims) return null;
    // A test send's link (signed, names no message): it redirects so the editor can check it, and records nothing.
    if ('t' in claims) return claims.u;
    const message = await this.messages.findSentAt(claims.m);
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

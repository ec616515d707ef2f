import { Injectable } from '@nestjs/common';
import { MessageRepository } from '../delivery/message.repository';
import { TokenService } from '../tokens/token.service';
import { Client, EngagementRecorder } from './engagement-recorder.service';
import { RecentMap } from './recent-map';

/**
 * Open tokens verified lately, each with its message id ('' for a test send's, which records nothing). A mail
 * client or proxy that fetches the pixel again (Apple's proxy at delivery, then the person; a client on each
 * view) skips the HMAC, the pixel's largest cost. Up to twice this many entries, ~250 bytes each.
 */
const VERIFIED_OPEN_TOKENS = 20_000;

/** What the open pixel and the click redirect do with their tokens (claims: open {m}, click {m, u}). */
@Injectable()
export class TrackingService {
  private readonly verifiedOpens = new RecentMap<string>(VERIFIED_OPEN_TOKENS);

  constructor(
    private readonly tokens: TokenService,
    private readonly recorder: EngagementRecorder,
    private readonly messages: MessageRepository,
  ) {}

  /** Records the open of a valid token (buffered: no database work here); anything else is ignored. */
  open(token: string, client: Client): void {
    let messageId = this.verifiedOpens.get(token);
    if (messageId === undefined) {
      const claims = this.tokens.verify('open', token);
      if (!claims) return;
      // A test send's pixel names no message: nothing to record.
      messageId = 't' in claims ? '' : claims.m;
      // Pixel tokens have no expiry; one that had would be checked each time.
      if (claims.exp === undefined) this.verifiedOpens.set(token, messageId);
    }
    if (messageId)
      this.recorder.record({ kind: 'open', messageId, at: new Date(), ip: client.ip, userAgent: client.userAgent });
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

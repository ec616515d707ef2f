import { ForbiddenException, Injectable, NotFoundException, UnauthorizedException } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { AppConfig } from '../../config/app-config';
import { BounceInput, BounceOutcome, BouncesService } from '../bounces.service';
import { mailgunBounces } from './mailgun-events';
import { MAILGUN_MAX_AGE_SECONDS, mailgunSignatureValid } from './mailgun-signature';
import { basicAuthMatches } from './postmark-auth';
import { postmarkBounces } from './postmark-events';
import { sendgridBounces } from './sendgrid-events';
import { SENDGRID_MAX_AGE_SECONDS, sendgridSignatureValid } from './sendgrid-signature';
import { sesBounces } from './ses-events';
import { signedTimestampFresh } from './signed-timestamp';
import { readSnsMessage } from './sns-message';
import { SnsVerifier } from './sns-verifier';
import { parseJson } from './webhook-body';
import { MalformedWebhook, objectAt, requiredString, WebhookBounce } from './webhook-bounce';
import { WebhookReplayGuard } from './webhook-replay-guard';

export interface WebhookAnswer {
  results: BounceOutcome[];
  /** SNS only: the subscription was confirmed */
  confirmed?: boolean;
  /** SNS and SendGrid only: this delivery was taken before (both deliver at least once) */
  duplicate?: boolean;
}

/** SNS retries for an hour at most (its HTTP delivery policy's ceiling); older messages are replays. */
const SNS_MAX_AGE_MS = 24 * 60 * 60 * 1000;
/** Mailgun retries a temporary failure for up to 8 hours; attempts are remembered for longer. */
const ATTEMPT_TTL_SECONDS = 24 * 60 * 60;
/** Message ids are remembered for longer than a message stays fresh, so none is taken twice. */
const SNS_ID_TTL_SECONDS = (2 * SNS_MAX_AGE_MS) / 1000;

/**
 * The provider webhooks: each checks that the request is the provider's, reads its events into bounces and
 * complaints, and hands them to BouncesService like any other bounce. A provider whose secret is not configured
 * is not enabled (404).
 */
@Injectable()
export class ProviderWebhooksService {
  constructor(
    private readonly config: AppConfig,
    private readonly bounces: BouncesService,
    private readonly sns: SnsVerifier,
    private readonly replays: WebhookReplayGuard,
  ) {}

  async ses(body: Buffer): Promise<WebhookAnswer> {
    if (!this.config.webhooks.sesTopicArns) throw notEnabled('SES', 'SES_SNS_TOPIC_ARNS');
    const message = readSnsMessage(parseJson(body));
    await this.sns.verify(message);
    const age = Date.now() - Date.parse(message.Timestamp);
    if (!(age < SNS_MAX_AGE_MS && age > -SNS_MAX_AGE_MS))
      throw new ForbiddenException('Timestamp is more than a day away: a replay?');
    if (message.Type === 'SubscriptionConfirmation') {
      await this.sns.confirm(message);
      return { confirmed: true, results: [] };
    }
    if (message.Type === 'UnsubscribeConfirmation') return { results: [] };
    const found = sesBounces(parseJson(message.Message, 'Message'));
    return this.once('sns', message.MessageId, SNS_ID_TTL_SECONDS, found, 'ses', { duplicate: true, results: [] });
  }

  async sendgrid(body: Buffer, signature?: string, timestamp?: string): Promise<WebhookAnswer> {
    const key = this.config.webhooks.sendgridPublicKey;
    if (!key) throw notEnabled('SendGrid', 'SENDGRID_WEBHOOK_PUBLIC_KEY');
    if (!signature || !timestamp)
      throw new UnauthorizedException(
        'X-Twilio-Email-Event-Webhook-Signature and X-Twilio-Email-Event-Webhook-Timestamp are required',
      );
    if (!sendgridSignatureValid(key, signature, timestamp, body))
      throw new ForbiddenException('X-Twilio-Email-Event-Webhook-Signature does not match the body');
    if (!signedTimestampFresh(timestamp, SENDGRID_MAX_AGE_SECONDS))
      throw new ForbiddenException('X-Twilio-Email-Event-Webhook-Timestamp is more than a day away: a replay?');
    const found = sendgridBounces(parseJson(body));
    // SendGrid sends no delivery id: what it signed (timestamp and body) is one. Taken again, it changes nothing.
    const delivery = createHash('sha256').update(timestamp).update('\n').update(body).digest('hex');
    const ttl = 2 * SENDGRID_MAX_AGE_SECONDS + 60;
    return this.once('sendgrid', delivery, ttl, found, 'sendgrid', { duplicate: true, results: [] });
  }

  async postmark(body: Buffer, authorization?: string): Promise<WebhookAnswer> {
    const credentials = this.config.webhooks.postmark;
    if (!credentials) throw notEnabled('Postmark', 'POSTMARK_WEBHOOK_USER and POSTMARK_WEBHOOK_PASSWORD');
    if (!basicAuthMatches(authorization, credentials.user, credentials.password))
      throw new UnauthorizedException('HTTP Basic credentials are missing or wrong');
    return { results: await this.apply(postmarkBounces(parseJson(body)), 'postmark') };
  }

  async mailgun(body: Buffer): Promise<WebhookAnswer> {
    const key = this.config.webhooks.mailgunSigningKey;
    if (!key) throw notEnabled('Mailgun', 'MAILGUN_WEBHOOK_SIGNING_KEY');
    const payload = objectAt(parseJson(body), 'the body');
    const s = objectAt(payload.signature, 'signature');
    const signature = {
      // Mailgun sends it as a string; a number is taken as its digits.
      timestamp:
        typeof s.timestamp === 'number' ? String(s.timestamp) : requiredString(s, 'timestamp', 'signature.timestamp'),
      token: requiredString(s, 'token', 'signature.token'),
      signature: requiredString(s, 'signature', 'signature.signature'),
    };
    if (!mailgunSignatureValid(key, signature)) throw new ForbiddenException('signature does not match');
    if (!signedTimestampFresh(signature.timestamp, MAILGUN_MAX_AGE_SECONDS))
      throw new ForbiddenException(`signature.timestamp is more than ${MAILGUN_MAX_AGE_SECONDS} s away: a replay?`);
    if (payload['event-data'] === undefined) throw new MalformedWebhook('event-data is required');
    const found = mailgunBounces(payload['event-data']);
    const replay = new ForbiddenException('signature.token was used before: a replay?');
    // Kept a little longer than a timestamp stays fresh, so a token cannot come back once forgotten.
    return this.once('mailgun', signature.token, 2 * MAILGUN_MAX_AGE_SECONDS + 60, found, 'mailgun', replay);
  }

  /** Applies a signed delivery's bounces only the first time its id is seen; a failure lets the retry in. */
  private async once(
    kind: string,
    id: string,
    ttlSeconds: number,
    found: WebhookBounce[],
    source: BounceInput['source'],
    onReplay: WebhookAnswer | Error,
  ): Promise<WebhookAnswer> {
    if (!(await this.replays.claim(kind, id, ttlSeconds))) {
      if (onReplay instanceof Error) throw onReplay;
      return onReplay;
    }
    try {
      return { results: await this.apply(found, source) };
    } catch (e) {
      await this.replays.release(kind, id);
      throw e;
    }
  }

  private async apply(found: WebhookBounce[], source: BounceInput['source']): Promise<BounceOutcome[]> {
    const results: BounceOutcome[] = [];
    for (const { attemptOf, ...b } of found) {
      // A Message-ID is at most a header line; anything longer names no message of ours.
      const messageId = b.messageId && b.messageId.length <= 998 ? b.messageId : undefined;
      // Retries of one message are one soft bounce, even when the message is not ours to link (BouncesService
      // only knows repeats of linked ones): three attempts must not suppress a reader as three bounces in a row.
      if (
        attemptOf &&
        !(await this.replays.claim(`${source}-attempt`, `${b.email}\n${attemptOf}`, ATTEMPT_TTL_SECONDS))
      )
        continue;
      results.push(await this.bounces.apply({ ...b, messageId, source }));
    }
    return results;
  }
}

function notEnabled(provider: string, variables: string): NotFoundException {
  return new NotFoundException(`The ${provider} webhook is not enabled: set ${variables}`);
}

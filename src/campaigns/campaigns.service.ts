import { BadRequestException, ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { copyName } from '../common/copy-name';
import { Page, PageQuery } from '../common/pagination';
import { Transactions } from '../database/transaction';
import { footerNotice } from '../delivery/legal-footer';
import { OutboxService } from '../delivery/outbox.service';
import { SAMPLE_RECIPIENT } from '../delivery/personalize';
import { ListsService } from '../lists/lists.service';
import { SegmentsService } from '../segments/segments.service';
import { SettingsService } from '../settings/settings.service';
import { isUniqueViolation } from '../database/unique-violation';
import { AbTestsService } from './ab-tests.service';
import { ArchiveMarks } from './archive-marks';
import { CampaignContentService } from './campaign-content.service';
import { CampaignJobsService } from './campaign-jobs.service';
import { CampaignMailService } from './campaign-mail.service';
import { CampaignMessagesService } from './campaign-messages.service';
import { CampaignRunsService } from './campaign-runs.service';
import { CampaignSampleService, TEST_RECIPIENT_NAME } from './campaign-sample.service';
import { CampaignStopWatch } from './campaign-stop-watch';
import {
  Campaign,
  CAMPAIGN_STATUSES,
  CampaignChanges,
  CampaignRepository,
  CampaignStatus,
} from './campaign.repository';
import { campaignView, CampaignView } from './campaign.view';
import { CreateCampaignDto, SendCampaignDto, UpdateCampaignDto } from './dto/campaign.dto';

const EDITABLE: CampaignStatus[] = ['draft', 'scheduled'];

/** Campaigns: editing while draft or scheduled, and the moves between states (send, pause, resume, cancel). */
@Injectable()
export class CampaignsService {
  constructor(
    private readonly campaigns: CampaignRepository,
    private readonly transactions: Transactions,
    private readonly lists: ListsService,
    private readonly content: CampaignContentService,
    private readonly messages: CampaignMessagesService,
    private readonly jobs: CampaignJobsService,
    private readonly runs: CampaignRunsService,
    private readonly mail: CampaignMailService,
    private readonly samples: CampaignSampleService,
    private readonly outbox: OutboxService,
    private readonly settings: SettingsService,
    private readonly stopWatch: CampaignStopWatch,
    private readonly archiveMarks: ArchiveMarks,
    private readonly abTests: AbTestsService,
    private readonly segments: SegmentsService,
  ) {}

  async create(dto: CreateCampaignDto): Promise<CampaignView> {
    const lists = await this.lists.assertListsExist(dto.listIds);
    const segmentId = await this.knownSegment(dto.segmentId);
    const fromEmail = await this.allowedSender(dto.fromEmail);
    const prepared = (await this.content.prepare(dto))!;
    const archive = await this.archiveMarks.changesFor(null, dto.archive, dto.subject);
    const saved = this.transactions.run(async (tx) => {
      const templateVersionId = await this.content.versionFor(tx, prepared.content, dto.subject);
      const abTest = await this.abTests.record(tx, dto);
      return this.campaigns.create(
        {
          name: dto.name,
          subject: dto.subject,
          fromName: dto.fromName ?? null,
          fromEmail,
          templateId: dto.templateId ?? null,
          templateVersionId,
          ...prepared.record,
          listIds: lists.map((l) => l.id),
          segmentId,
          trackOpens: dto.trackOpens ?? true,
          trackClicks: dto.trackClicks ?? true,
          status: 'draft',
          ...archive,
          ...abTest,
        },
        tx,
      );
    });
    const id = await saved.catch(slugConflict);
    return this.get(id);
  }

  async list(query: PageQuery): Promise<Page<CampaignView>> {
    const [rows, total] = await this.campaigns.page((query.page - 1) * query.limit, query.limit);
    const progress = await this.abTests.progress(rows);
    return {
      items: rows.map((c) => campaignView(c, progress.get(c.id)!)),
      total,
      page: query.page,
      limit: query.limit,
    };
  }

  async get(id: string): Promise<CampaignView> {
    const campaign = await this.find(id);
    return campaignView(campaign, (await this.abTests.progress([campaign])).get(id)!);
  }

  async update(id: string, dto: UpdateCampaignDto): Promise<CampaignView> {
    const campaign = await this.find(id);
    const { archive, ...others } = dto;
    if (archive !== undefined && Object.values(others).every((v) => v === undefined))
      return this.markArchive(campaign, archive);
    this.assertStatus(campaign, EDITABLE, 'edited');
    const changes: CampaignChanges = {};
    if (dto.listIds !== undefined) changes.listIds = (await this.lists.assertListsExist(dto.listIds)).map((l) => l.id);
    if (dto.segmentId !== undefined) changes.segmentId = await this.knownSegment(dto.segmentId);
    for (const key of ['name', 'subject', 'fromName', 'trackOpens', 'trackClicks'] as const) {
      if (dto[key] !== undefined) (changes as Record<string, unknown>)[key] = dto[key];
    }
    if (dto.fromEmail !== undefined) changes.fromEmail = await this.allowedSender(dto.fromEmail);
    const subject = dto.subject ?? campaign.subject;
    const prepared = await this.content.prepare(dto, campaign);
    Object.assign(changes, await this.archiveMarks.changesFor(campaign, archive, subject));
    const saved = this.transactions.run(async (tx) => {
      if (prepared) {
        changes.templateVersionId = await this.content.versionFor(tx, prepared.content, subject);
        changes.templateId = prepared.content.templateId ?? null;
        Object.assign(changes, prepared.record);
      } else if (dto.subject !== undefined) {
        await this.content.assertSubject(subject);
      }
      Object.assign(changes, await this.abTests.record(tx, dto, campaign));
      if (Object.keys(changes).length) {
        if (!(await this.campaigns.updateIfStatus(id, EDITABLE, changes, tx)))
          throw new ConflictException(`Campaign ${id} started sending meanwhile; it can no longer be edited`);
      }
    });
    await saved.catch(slugConflict);
    return this.get(id);
  }

  /**
   * A new draft with the same content, audience and settings, named "Copy of …"; nothing of the original's
   * sending (schedule, messages, stats) comes along. Whatever state the original is in.
   */
  async clone(id: string): Promise<CampaignView> {
    const c = await this.find(id);
    const copy = await this.campaigns.create({
      name: copyName(c.name),
      subject: c.subject,
      fromName: c.fromName,
      fromEmail: c.fromEmail,
      templateId: c.templateId,
      // versions are immutable, so both can send the same one
      templateVersionId: c.templateVersionId,
      contentFormat: c.contentFormat,
      contentSource: c.contentSource,
      layoutTemplateId: c.layoutTemplateId,
      listIds: c.listIds,
      segmentId: c.segmentId,
      trackOpens: c.trackOpens,
      trackClicks: c.trackClicks,
      status: 'draft',
      variants: c.variants,
      abTest: c.abTest,
    });
    return this.get(copy);
  }

  /**
   * In or out of the public archive, in any status: a sent campaign leaves it at once (its page is a 404) and
   * comes back under the same slug.
   */
  private async markArchive(campaign: Campaign, archive: boolean): Promise<CampaignView> {
    const changes = await this.archiveMarks.changesFor(campaign, archive, campaign.subject);
    if (Object.keys(changes).length)
      await this.campaigns.updateIfStatus(campaign.id, [...CAMPAIGN_STATUSES], changes).catch(slugConflict);
    return this.get(campaign.id);
  }

  /** null stays null; an unknown segment is a 400. */
  private async knownSegment(id: string | null | undefined): Promise<string | null> {
    if (!id) return null;
    if (!(await this.segments.exists(id.toLowerCase()))) throw new BadRequestException(`segmentId: no segment ${id}`);
    return id.toLowerCase();
  }

  async remove(id: string): Promise<void> {
    const campaign = await this.find(id);
    assertNotAbChild(campaign);
    this.assertStatus(campaign, ['draft', 'scheduled', 'sent', 'cancelled'], 'deleted (pause and cancel it first)');
    await this.campaigns.deleteIfStatus(id, ['draft', 'scheduled', 'sent', 'cancelled']);
  }

  /** Now, or at `sendAt` when that is in the future. A campaign made from a template takes its current version. */
  async send(id: string, dto: SendCampaignDto): Promise<{ status: CampaignStatus }> {
    const campaign = await this.find(id);
    this.assertStatus(campaign, EDITABLE, 'sent');
    // A draft made in the admin UI has no lists until its audience step.
    if (!campaign.listIds.length) throw new BadRequestException('listIds: choose at least one list before sending');
    const templateVersionId = campaign.templateId
      ? await this.content.currentVersionOf(campaign.templateId)
      : campaign.templateVersionId;
    await this.trialRender({ ...campaign, templateVersionId });
    const sendAt = dto.sendAt ? new Date(dto.sendAt) : null;
    if (campaign.abTest) return this.sendAbTest({ ...campaign, templateVersionId }, sendAt);
    const later = sendAt !== null && sendAt.getTime() > Date.now();
    const status: CampaignStatus = later ? 'scheduled' : 'sending';
    const changed = await this.campaigns.updateIfStatus(id, EDITABLE, {
      status,
      templateVersionId,
      sendAt: later ? sendAt : null,
      startedAt: later ? null : new Date(),
      preparedAt: null,
    });
    if (!changed) throw new ConflictException(`Campaign ${id} changed meanwhile; try again`);
    await this.jobs.prepare(id, later ? sendAt : null);
    return { status };
  }

  /** An A/B test's parent pauses its running children too (and resumes them). */
  async pause(id: string): Promise<CampaignView> {
    assertNotAbChild(await this.find(id));
    await this.move(id, ['sending'], 'paused', 'paused');
    for (const child of [id, ...(await this.abTests.childrenIn(id, ['sending']))]) {
      if (child !== id) await this.campaigns.updateIfStatus(child, ['sending'], { status: 'paused' });
      // This process's batches stop at their next message; other processes' hear it within their next poll.
      this.stopWatch.stopNow(child, 'paused');
    }
    return this.get(id);
  }

  async resume(id: string): Promise<CampaignView> {
    assertNotAbChild(await this.find(id));
    await this.move(id, ['paused'], 'sending', 'resumed');
    const campaign = await this.find(id);
    // an A/B test's parent sends nothing itself: its children go on
    const children = campaign.abTest ? await this.abTests.childrenIn(id, ['paused']) : [id];
    for (const child of children) {
      if (child !== id) await this.campaigns.updateIfStatus(child, ['paused'], { status: 'sending' });
      this.stopWatch.resumed(child);
      await this.runs.requeue(await this.find(child));
    }
    return this.get(id);
  }

  /** Nothing more goes out: the messages not yet taken for sending are cancelled with the campaign. */
  async cancel(id: string): Promise<CampaignView> {
    assertNotAbChild(await this.find(id));
    const running: CampaignStatus[] = ['scheduled', 'sending', 'paused'];
    const children = await this.abTests.childrenIn(id, running);
    await this.transactions.run(async (tx) => {
      const changed = await this.campaigns.updateIfStatus(
        id,
        ['scheduled', 'sending', 'paused'],
        { status: 'cancelled', finishedAt: new Date() },
        tx,
      );
      if (!changed) this.assertStatus(await this.find(id), ['scheduled', 'sending', 'paused'], 'cancelled');
      for (const child of children)
        await this.campaigns.updateIfStatus(child, running, { status: 'cancelled', finishedAt: new Date() }, tx);
    });
    for (const campaignId of [id, ...children]) {
      this.stopWatch.stopNow(campaignId, 'cancelled');
      await this.messages.cancelQueued(campaignId);
    }
    return this.get(id);
  }

  /**
   * A test send to a few addresses, through the outbox: one message per address (campaign stream, kind 'test',
   * in the message log with its events, retried like any mail), rendered when sent with the data of the first
   * subscriber the campaign would reach (else sample data), subject marked [Test], nothing counted for the
   * campaign. Rendered once here first, so that a campaign that cannot be rendered is a 400 now.
   */
  async test(id: string, emails: string[]): Promise<{ messages: { id: string; to: string }[] }> {
    const campaign = await this.find(id);
    (await this.samples.of(campaign)).compose({ email: emails[0], name: TEST_RECIPIENT_NAME, attributes: {} });
    const messages: { id: string; to: string }[] = [];
    for (const email of emails) {
      const messageId = await this.outbox.send({
        kind: 'test',
        to: { email },
        template: 'campaign',
        templateVersionId: campaign.templateVersionId,
        data: { campaignId: campaign.id },
      });
      messages.push({ id: messageId, to: email });
    }
    return { messages };
  }

  /**
   * The message as the first recipient the campaign would reach gets it (sample data when its lists
   * have nobody yet), without tracking: what an editor reviews before sending.
   */
  async preview(id: string): Promise<{
    subject: string;
    html: string;
    text: string;
    recipient: { email: string; name: string } | null;
    footerNotice: string | null;
  }> {
    const sample = await this.samples.of(await this.find(id));
    const mail = sample.compose(SAMPLE_RECIPIENT);
    const footer = footerNotice(sample.footerNeeds(SAMPLE_RECIPIENT));
    return { subject: mail.subject, html: mail.html, text: mail.text, recipient: sample.first, footerNotice: footer };
  }

  /** An A/B test: each variant is rendered once first (a 400 now rather than a failed send later). */
  private async sendAbTest(campaign: Campaign, sendAt: Date | null): Promise<{ status: CampaignStatus }> {
    for (const v of await this.abTests.variantContents(campaign)) await this.trialRender({ ...campaign, ...v });
    if (!(await this.abTests.send(campaign, sendAt, EDITABLE)))
      throw new ConflictException(`Campaign ${campaign.id} changed meanwhile; try again`);
    return { status: sendAt && sendAt.getTime() > Date.now() ? 'scheduled' : 'sending' };
  }

  private async trialRender(campaign: Campaign): Promise<void> {
    const compiled = await this.content.compiled(campaign);
    // Throws TemplateDataError (400) when the template needs data a campaign does not have.
    this.mail.compose(
      campaign,
      compiled,
      {
        messageId: randomUUID(),
        subscriberId: randomUUID(),
        email: 'sample@example.com',
        name: 'Sample',
        attributes: {},
      },
      { id: campaign.id, name: campaign.name },
      true,
    );
  }

  /**
   * A campaign's From address is one of the senders an admin set up in Settings (by default MAIL_FROM's), so a
   * campaign cannot go out in the name of an address the domain's owner never approved (SPF/DKIM alignment, and
   * an editor impersonating someone). Null or absent: MAIL_FROM's, always allowed. Answers the sender as stored.
   */
  private async allowedSender(fromEmail: string | null | undefined): Promise<string | null> {
    if (fromEmail === undefined || fromEmail === null) return null;
    const senders = await this.settings.senders();
    const match = senders.find((s) => s.email.toLowerCase() === fromEmail.toLowerCase());
    if (!match) {
      throw new BadRequestException([
        `fromEmail must be one of the senders set up in Settings: ${senders.map((s) => s.email).join(', ')}`,
      ]);
    }
    return match.email;
  }

  private async move(id: string, from: CampaignStatus[], to: CampaignStatus, verb: string): Promise<void> {
    if (!(await this.campaigns.updateIfStatus(id, from, { status: to })))
      this.assertStatus(await this.find(id), from, verb);
  }

  private assertStatus(campaign: Campaign, allowed: CampaignStatus[], verb: string): void {
    if (!allowed.includes(campaign.status)) {
      throw new ConflictException(
        `Campaign ${campaign.id} is ${campaign.status}; only a campaign that is ${allowed.join(' or ')} can be ${verb}`,
      );
    }
  }

  private async find(id: string): Promise<Campaign> {
    const campaign = await this.campaigns.findById(id);
    if (!campaign) throw new NotFoundException(`Campaign ${id} not found`);
    return campaign;
  }
}

/** A hidden child of an A/B test moves only with its parent. */
function assertNotAbChild(campaign: Campaign): void {
  if (campaign.parentId) {
    throw new ConflictException(
      `Campaign ${campaign.id} is a variant of the A/B test ${campaign.parentId}; pause, resume, cancel or delete that one`,
    );
  }
}

/** Two saves that picked the same free archive slug at once: the second is a 409, never a 500. */
function slugConflict(e: unknown): never {
  if (isUniqueViolation(e)) throw new ConflictException('Another campaign took the same archive address; try again');
  throw e;
}

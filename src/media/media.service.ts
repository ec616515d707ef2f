import { ConflictException, Injectable, Logger, NotFoundException, ServiceUnavailableException } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { CampaignRepository, CampaignStatus } from '../campaigns/campaign.repository';
import { Page, PageQuery } from '../common/pagination';
import { AppConfig } from '../config/app-config';
import { isUniqueViolation } from '../database/unique-violation';
import { TemplateRepository } from '../templates/template.repository';
import { TemplateVersionRepository } from '../templates/template-version.repository';
import { prepareImage } from './image-processor';
import { MediaStore, StoredFile } from './media-store';
import { Media, MediaRepository } from './media.repository';
import { mediaView, MediaView } from './media.view';
import { STORED_NAME } from './media-limits';

/** An upload as the controllers hand it over (multer's file in memory). */
export interface MediaUpload {
  buffer: Buffer;
  originalname: string;
}

/**
 * Campaigns in these states have sent, will send, or (cancelled part-way) may have sent what they hold: their
 * images must stay.
 */
const SENDING_STATUSES: CampaignStatus[] = ['scheduled', 'sending', 'paused', 'sent', 'cancelled'];

type Named = { id: string; name: string };

/**
 * The media library: uploads checked and re-encoded (image-processor.ts), one file and one row per distinct image,
 * files in DATA_DIR/media or S3 (MediaStore), deletion refused while mail uses the image.
 */
@Injectable()
export class MediaService {
  private readonly logger = new Logger('Media');
  /** Images are decoded one at a time: each may take up to 200 MB of memory while it is resized. */
  private turn: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly media: MediaRepository,
    private readonly store: MediaStore,
    private readonly config: AppConfig,
    private readonly campaigns: CampaignRepository,
    private readonly templates: TemplateRepository,
    private readonly versions: TemplateVersionRepository,
  ) {}

  /**
   * Stores an image, or answers the one already stored with the same bytes (a second upload of the same picture
   * is the same library entry). The file is written before the row; a failed row removes the file again unless
   * another row (a concurrent upload of the same picture) owns it, so neither is ever left alone.
   */
  async upload(file: MediaUpload, createdBy: string | null): Promise<MediaView> {
    const image = await this.inTurn(() => prepareImage(file.buffer));
    const sha256 = createHash('sha256').update(image.data).digest('hex');
    const existing = await this.media.findBySha256(sha256);
    if (existing) return this.view(existing);
    const storedName = `${sha256.slice(0, 32)}.${image.ext}`;
    await this.storage(() => this.store.put(storedName, image.data, image.mime));
    try {
      const row = await this.media.insert({
        storedName,
        originalName: cleanName(file.originalname, image.ext),
        mime: image.mime,
        width: image.width,
        height: image.height,
        bytes: image.data.length,
        sha256,
        createdBy,
      });
      return this.view(row);
    } catch (err) {
      const winner = isUniqueViolation(err) ? await this.media.findBySha256(sha256) : null;
      if (winner) return this.view(winner);
      if (!(await this.media.findByStoredName(storedName))) await this.store.delete(storedName);
      throw err;
    }
  }

  async list(query: PageQuery): Promise<Page<MediaView>> {
    const [rows, total] = await this.media.page((query.page - 1) * query.limit, query.limit);
    return { items: rows.map((m) => this.view(m)), total, page: query.page, limit: query.limit };
  }

  async get(id: string): Promise<MediaView> {
    return this.view(await this.found(id));
  }

  /**
   * Deletes an image. Refused (409, naming them) while a scheduled, sending, paused, sent or cancelled campaign or a
   * stored template's current version shows it: mail out or about to go would show a broken picture. Used only by
   * draft campaigns or by older versions of templates, it is a 409 warning naming those, unless `force`: the editor
   * has seen the warning and deletes anyway. The row goes first: a file left by a failed removal is unreachable
   * from the library and harmless.
   */
  async remove(id: string, force = false): Promise<void> {
    const m = await this.found(id);
    const users = await this.usersOf(m.storedName);
    if (users.campaigns.length || users.templates.length) {
      const names = [
        ...users.campaigns.map((c) => `campaign "${c.name}"`),
        ...users.templates.map((t) => `template "${t.name}"`),
      ];
      throw new ConflictException({
        statusCode: 409,
        error: 'Conflict',
        message: `${m.originalName} is used by ${names.join(', ')}: mail that shows it would lose the picture, so it stays`,
        campaigns: users.campaigns,
        templates: users.templates,
      });
    }
    if (!force && (users.drafts.length || users.olderTemplateVersions.length)) {
      const names = [
        ...users.drafts.map((c) => `draft campaign "${c.name}"`),
        ...users.olderTemplateVersions.map((t) => `an earlier version of template "${t.name}"`),
      ];
      throw new ConflictException({
        statusCode: 409,
        error: 'Conflict',
        message: `${m.originalName} is used by ${names.join(', ')}: they would show a broken picture if sent or restored`,
        campaigns: [],
        templates: [],
        drafts: users.drafts,
        olderTemplateVersions: users.olderTemplateVersions,
        forceable: true,
      });
    }
    if (!(await this.media.delete(id))) throw new NotFoundException('No image with that id');
    await this.store.delete(m.storedName).catch((err: Error) => {
      this.logger.warn(`The file ${m.storedName} stays in the store: ${err.message}`);
    });
  }

  /** A stored file for `GET /media/:name`; null for any name that is not one (traversal included). */
  file(name: string): Promise<StoredFile | null> {
    if (!STORED_NAME.test(name)) return Promise.resolve(null);
    return this.storage(() => this.store.get(name));
  }

  /** The store (a bucket over the network) failing is a 503 saying so; the cause goes to the log only. */
  private async storage<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (err) {
      this.logger.error(`The media storage failed: ${(err as Error).message}`);
      throw new ServiceUnavailableException('The media storage cannot be reached just now: try again in a moment');
    }
  }

  /**
   * What shows this file: campaigns that have sent or will send it and templates' current versions (they keep
   * it), draft campaigns and templates' earlier versions (a warning).
   */
  private async usersOf(
    storedName: string,
  ): Promise<Record<'campaigns' | 'templates' | 'drafts' | 'olderTemplateVersions', Named[]>> {
    const versionIds = await this.versions.idsContaining(`/media/${storedName}`);
    const [campaigns, templates, drafts, olderTemplateVersions] = await Promise.all([
      this.campaigns.findNamesByVersions(versionIds, SENDING_STATUSES),
      this.templates.byCurrentVersions(versionIds),
      this.campaigns.findNamesByVersions(versionIds, ['draft']),
      this.templates.byOlderVersions(versionIds),
    ]);
    const named = (rows: Named[]) => rows.map((r) => ({ id: r.id, name: r.name }));
    return {
      campaigns: named(campaigns),
      templates: named(templates),
      drafts: named(drafts),
      olderTemplateVersions: named(olderTemplateVersions),
    };
  }

  private async found(id: string): Promise<Media> {
    const m = await this.media.findById(id);
    if (!m) throw new NotFoundException('No image with that id');
    return m;
  }

  private view(m: Media): MediaView {
    return mediaView(m, this.config.publicUrl);
  }

  private inTurn<T>(work: () => Promise<T>): Promise<T> {
    const run = this.turn.then(work, work);
    this.turn = run.catch(() => undefined);
    return run;
  }
}

/** The uploaded file's name as editors see it: its last path part, printable, at most 255 characters. */
function cleanName(name: string | undefined, ext: string): string {
  const base = (name ?? '')
    .split(/[\\/]/)
    .pop()!
    // eslint-disable-next-line no-control-regex -- control characters are what it removes
    .replace(/[\u0000-\u001f\u007f]/g, '')
    .trim();
  return (base || `image.${ext}`).slice(0, 255);
}

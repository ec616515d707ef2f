import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { isUUID } from 'class-validator';
import { copyName } from '../common/copy-name';
import { Page } from '../common/pagination';
import { Transactions, Tx } from '../database/transaction';
import { isUniqueViolation } from '../database/unique-violation';
import { BuiltInTemplates, sourceOfBuiltIn } from './built-in-templates';
import { CreateTemplateDto, ListTemplatesQuery, UpdateTemplateDto } from './dto/template.dto';
import { RenderedMessage, RendererService, TemplateSource } from './render/renderer.service';
import { TemplateInvalidError } from './template-errors';
import { TemplateVersion, TemplateVersionRepository } from './template-version.repository';
import { Template, TemplateRepository, TemplateWithVersion } from './template.repository';
import { BuiltInSummary, builtInSummary, BuiltInView, builtInView, TemplateSummary, templateSummary, TemplateView, templateView } from './template.view';

/** A template found by slug, ready to render: the stored one if there is one, else the built-in file. */
export interface ResolvedTemplate {
  slug: string;
  kind: Template['kind'];
  builtIn: boolean;
  /** the stored template's id; null for a built-in */
  templateId: string | null;
  source: TemplateSource;
}

/** Stored templates, their versions, and the lookups senders use (by slug, by version id). */
@Injectable()
export class TemplatesService {
  constructor(
    private readonly templates: TemplateRepository,
    private readonly versions: TemplateVersionRepository,
    private readonly transactions: Transactions,
    private readonly builtIns: BuiltInTemplates,
    private readonly renderer: RendererService,
  ) {}

  /** Built-in templates first (by slug), then stored ones (newest first); `total` counts both. */
  async list(page: number, limit: number, query: Pick<ListTemplatesQuery, 'kind'> = {}): Promise<Page<TemplateSummary | BuiltInSummary>> {
    const builtIns = this.builtIns.list().filter((t) => !query.kind || t.kind === query.kind);
    const offset = (page - 1) * limit;
    const fromBuiltIns = builtIns.slice(offset, offset + limit);
    const [stored, storedTotal] = await this.templates.page(query.kind, Math.max(0, offset - builtIns.length), limit - fromBuiltIns.length);
    const overriders = await this.templates.bySlugs(builtIns.map((t) => t.slug));
    const overriddenBy = new Map(overriders.map((t) => [t.slug, t.id]));
    const items = [
      ...fromBuiltIns.map((t) => builtInSummary(t, overriddenBy.get(t.slug) ?? null)),
      ...(fromBuiltIns.length < limit ? stored : []).map((t) => templateSummary(t, this.isBuiltInSlug(t.slug))),
    ];
    return { items, total: builtIns.length + storedTotal, page, limit };
  }

  async get(id: string): Promise<TemplateView> {
    const template = await this.find(id);
    return templateView(template, this.isBuiltInSlug(template.slug));
  }

  async getBuiltIn(slug: string): Promise<BuiltInView> {
    const t = this.builtIns.get(slug);
    if (!t) throw new NotFoundException(`There is no built-in template ${slug}`);
    return builtInView(t, await this.templates.idOfSlug(slug));
  }

  async create(dto: CreateTemplateDto): Promise<TemplateView> {
    const slug = dto.slug ?? (await this.freeSlug(dto.name));
    await this.assertSlugFree(slug);
    const content = {
      subject: dto.subject,
      mjml: dto.mjml,
      text: dto.text ?? null,
      // A shop restyling a built-in keeps the data contract the senders rely on.
      required: dto.required ?? this.builtIns.get(slug)?.required ?? [],
    };
    await this.assertRenders(content);
    const id = await this.saving(slug, async (tx) => {
      const t = await this.templates.insert({ name: dto.name, slug, kind: dto.kind }, tx);
      await this.addVersion(tx, t, 1, content);
      return t.id;
    });
    return this.get(id);
  }

  async update(id: string, dto: UpdateTemplateDto): Promise<TemplateView> {
    const template = await this.find(id);
    const current = template.currentVersion;
    const content = {
      subject: dto.subject ?? current.subject,
      mjml: dto.mjml ?? current.mjml,
      text: dto.text === undefined ? current.text : dto.text,
      required: dto.required ?? current.required,
    };
    const contentChanged =
      content.subject !== current.subject ||
      content.mjml !== current.mjml ||
      content.text !== current.text ||
      JSON.stringify(content.required) !== JSON.stringify(current.required);
    if (dto.slug && dto.slug !== template.slug) await this.assertSlugFree(dto.slug);
    if (contentChanged) await this.assertRenders(content);
    await this.saving(dto.slug ?? template.slug, async (tx) => {
      const changes: Partial<Pick<Template, 'name' | 'slug' | 'kind'>> = {};
      if (dto.name !== undefined) changes.name = dto.name;
      if (dto.slug !== undefined) changes.slug = dto.slug;
      if (dto.kind !== undefined) changes.kind = dto.kind;
      await this.templates.update(id, changes, tx);
      if (contentChanged) {
        const last = await this.versions.lastNumber(id, tx);
        await this.addVersion(tx, template, (last ?? 0) + 1, content);
      }
    });
    return this.get(id);
  }

  /** A new template "Copy of …" with the current version's content (as its version 1) and a slug of its own. */
  async clone(id: string): Promise<TemplateView> {
    const t = await this.find(id);
    const v = t.currentVersion;
    return this.create({
      name: copyName(t.name),
      kind: t.kind,
      subject: v.subject,
      mjml: v.mjml,
      text: v.text,
      required: v.required,
    });
  }

  async remove(id: string): Promise<void> {
    if (!(await this.templates.delete(id))) throw new NotFoundException(`Template ${id} not found`);
  }

  /** For senders: the stored template with this slug, else the built-in one; 404 when neither exists. */
  async resolve(slug: string): Promise<ResolvedTemplate> {
    const stored = await this.templates.withVersionBySlug(slug);
    if (stored) {
      return { slug, kind: stored.kind, builtIn: false, templateId: stored.id, source: sourceOfVersion(stored.currentVersion) };
    }
    const file = this.builtIns.get(slug);
    if (!file) throw new NotFoundException(`Template ${slug} not found`);
    return { slug, kind: file.kind, builtIn: true, templateId: null, source: sourceOfBuiltIn(file) };
  }

  /** The names of the templates with these slugs (stored first, else built-in), for lists that show slugs; unknown ones are left out. */
  async namesOf(slugs: string[]): Promise<Map<string, string>> {
    const wanted = [...new Set(slugs)];
    const names = new Map<string, string>();
    for (const slug of wanted) {
      const file = this.builtIns.get(slug);
      if (file) names.set(slug, file.name);
    }
    for (const t of await this.templates.bySlugs(wanted)) names.set(t.slug, t.name);
    return names;
  }

  /** For senders holding a version id (a campaign): exactly that version, stored or `file:…`. */
  async getVersion(versionId: string): Promise<TemplateSource> {
    if (versionId.startsWith('file:')) {
      const file = this.builtIns.byVersionId(versionId);
      if (!file) throw new NotFoundException(`Template version ${versionId} is not shipped with this release`);
      return sourceOfBuiltIn(file);
    }
    const version = isUUID(versionId) ? await this.versions.findById(versionId) : null;
    if (!version) throw new NotFoundException(`Template version ${versionId} not found`);
    return sourceOfVersion(version);
  }

  /** Renders a template by slug for the given data, as it would be sent. */
  async render(slug: string, data: unknown): Promise<RenderedMessage & { template: string; versionId: string; builtIn: boolean }> {
    const resolved = await this.resolve(slug);
    const message = await this.renderer.renderVersion(resolved.source, data);
    return { template: slug, versionId: resolved.source.versionId, builtIn: resolved.builtIn, ...message };
  }

  private async find(id: string): Promise<TemplateWithVersion> {
    const template = await this.templates.withVersion(id);
    if (!template) throw new NotFoundException(`Template ${id} not found`);
    return template;
  }

  private async addVersion(tx: Tx, template: Template, number: number, content: Omit<TemplateSource, 'versionId'>) {
    const version = await this.versions.insert(
      template.id,
      number,
      { subject: content.subject, mjml: content.mjml, text: content.text ?? null, required: [...(content.required ?? [])] },
      tx,
    );
    await this.templates.setCurrentVersion(template.id, version.id, tx);
  }

  /** Saving refuses what would not render: MJML's findings and Handlebars problems are a 400 with lines. */
  private async assertRenders(content: Omit<TemplateSource, 'versionId'>): Promise<void> {
    const compiled = await this.renderer.check(content);
    if (compiled.errors.length) throw new TemplateInvalidError(compiled.errors);
  }

  private async assertSlugFree(slug: string): Promise<void> {
    if (await this.templates.slugTaken(slug)) throw new ConflictException(`A template with slug ${slug} already exists`);
  }

  /** Writes in one transaction; a unique violation (slug taken, version number raced) is a 409. */
  private async saving<T>(slug: string, work: (tx: Tx) => Promise<T>): Promise<T> {
    try {
      return await this.transactions.run(work);
    } catch (e) {
      if (isUniqueViolation(e)) throw new ConflictException(`A template with slug ${slug} already exists, or it was changed at the same time; try again`);
      throw e;
    }
  }

  /**
   * A slug derived from the name never takes a built-in's place by accident (that needs an explicit
   * slug): "Order shipped" becomes "order-shipped-2" while order-shipped is a built-in.
   */
  private async freeSlug(name: string): Promise<string> {
    const base = slugify(name);
    for (let n = 1; ; n++) {
      const candidate = n === 1 ? base : `${base.slice(0, 95)}-${n}`;
      if (!this.isBuiltInSlug(candidate) && !(await this.templates.slugTaken(candidate))) return candidate;
    }
  }

  private isBuiltInSlug(slug: string): boolean {
    return this.builtIns.get(slug) !== undefined;
  }
}

export function sourceOfVersion(v: TemplateVersion): TemplateSource {
  return { versionId: v.id, subject: v.subject, mjml: v.mjml, text: v.text, required: v.required };
}

export function slugify(name: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 90)
    .replace(/-+$/, '');
  return slug || 'template';
}


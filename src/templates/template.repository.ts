import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, In, Repository } from 'typeorm';
import { Tx } from '../database/transaction';
import { TemplateKind } from './template-kinds';
import { TemplateVersion } from './template-version.entity';
import { Template } from './template.entity';

export type { Template } from './template.entity';

/** A stored template loaded with the version new mail uses. */
export type TemplateWithVersion = Template & { currentVersion: TemplateVersion };

/** The templates table: stored templates, each pointing at its current version. */
@Injectable()
export class TemplateRepository {
  constructor(
    @InjectRepository(Template) private readonly templates: Repository<Template>,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  /** A page of stored templates, newest first, with their current versions; and how many there are in all. */
  page(kind: TemplateKind | undefined, skip: number, take: number): Promise<[Template[], number]> {
    return this.templates.findAndCount({
      where: kind ? { kind } : {},
      relations: { currentVersion: true },
      order: { createdAt: 'DESC', id: 'ASC' },
      skip,
      take,
    });
  }

  /** id and name of the stored templates with these slugs. */
  bySlugs(slugs: string[]): Promise<Pick<Template, 'id' | 'slug' | 'name'>[]> {
    if (!slugs.length) return Promise.resolve([]);
    return this.templates.find({ select: { id: true, slug: true, name: true }, where: { slug: In(slugs) } });
  }

  /** id and name of the stored templates whose current version is one of these (media in use). */
  byCurrentVersions(versionIds: string[]): Promise<Pick<Template, 'id' | 'name'>[]> {
    if (!versionIds.length) return Promise.resolve([]);
    return this.templates.find({ select: { id: true, name: true }, where: { currentVersionId: In(versionIds) } });
  }

  /** Templates with one of `versionIds` in their history, but another as their current version (media warnings). */
  byOlderVersions(versionIds: string[]): Promise<Pick<Template, 'id' | 'name'>[]> {
    if (!versionIds.length) return Promise.resolve([]);
    return this.templates
      .createQueryBuilder('t')
      .select(['t.id', 't.name'])
      .where((qb) => {
        const holders = qb.subQuery().select('v.templateId').from(TemplateVersion, 'v').where('v.id IN (:...ids)');
        return `t.id IN ${holders.getQuery()}`;
      })
      .andWhere('(t.currentVersionId IS NULL OR t.currentVersionId NOT IN (:...ids))', { ids: versionIds })
      .orderBy('t.name')
      .getMany();
  }

  async idOfSlug(slug: string): Promise<string | null> {
    return (await this.templates.findOne({ select: { id: true }, where: { slug } }))?.id ?? null;
  }

  slugTaken(slug: string): Promise<boolean> {
    return this.templates.exists({ where: { slug } });
  }

  /** The template with its current version; null when there is none (or it has no version). */
  async withVersion(id: string): Promise<TemplateWithVersion | null> {
    const t = await this.templates.findOne({ where: { id }, relations: { currentVersion: true } });
    return t?.currentVersion ? (t as TemplateWithVersion) : null;
  }

  async withVersionBySlug(slug: string): Promise<TemplateWithVersion | null> {
    const t = await this.templates.findOne({ where: { slug }, relations: { currentVersion: true } });
    return t?.currentVersion ? (t as TemplateWithVersion) : null;
  }

  /** The version new mail of this template uses; null when there is no such template. */
  async currentVersionIdOf(id: string, tx?: Tx): Promise<string | null> {
    const m = tx ?? this.dataSource.manager;
    return (await m.findOne(Template, { where: { id } }))?.currentVersionId ?? null;
  }

  /** A new template, still without a version (addVersion gives it one in the same transaction). */
  insert(template: { name: string; slug: string; kind: TemplateKind }, tx: Tx): Promise<Template> {
    return tx.save(Template, tx.create(Template, { ...template, currentVersionId: null }));
  }

  async update(id: string, changes: Partial<Pick<Template, 'name' | 'slug' | 'kind'>>, tx: Tx): Promise<void> {
    if (Object.keys(changes).length) await tx.update(Template, { id }, changes);
  }

  async setCurrentVersion(id: string, versionId: string, tx: Tx): Promise<void> {
    await tx.update(Template, { id }, { currentVersionId: versionId });
  }

  /** Whether a template was deleted (its versions stay, their templateId becomes null). */
  async delete(id: string): Promise<boolean> {
    return Boolean((await this.templates.delete({ id })).affected);
  }
}

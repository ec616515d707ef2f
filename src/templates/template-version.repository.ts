import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';
import { Tx } from '../database/transaction';
import { TemplateVersion } from './template-version.entity';

export type { TemplateVersion } from './template-version.entity';

/** What a version holds; never changed after insert. */
export type VersionContent = Pick<TemplateVersion, 'subject' | 'mjml' | 'text' | 'required'>;

/** The template_versions table: immutable saved states of templates (and campaigns' inline MJML). */
@Injectable()
export class TemplateVersionRepository {
  constructor(
    @InjectRepository(TemplateVersion) private readonly versions: Repository<TemplateVersion>,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  findById(id: string): Promise<TemplateVersion | null> {
    return this.versions.findOne({ where: { id } });
  }

  /**
   * Ids of the versions whose MJML or text part contains `fragment` (what uses a media file). `fragment` is matched
   * literally: it must hold no LIKE wildcard (% or _), which the callers' names never do.
   */
  async idsContaining(fragment: string): Promise<string[]> {
    if (/[%_\\]/.test(fragment)) throw new Error('idsContaining: the fragment must not contain %, _ or \\');
    const rows = await this.versions
      .createQueryBuilder('v')
      .select('v.id', 'id')
      .where('v.mjml LIKE :p OR v.text LIKE :p', { p: `%${fragment}%` })
      .getRawMany<{ id: string }>();
    return rows.map((r) => r.id);
  }

  /** The highest version number of a template (null: none yet). */
  lastNumber(templateId: string, tx?: Tx): Promise<number | null> {
    const m = tx ?? this.dataSource.manager;
    return m.maximum(TemplateVersion, 'number', { templateId });
  }

  /** A new version: number `number` of `templateId`, or of no template (null, a campaign's inline MJML). */
  insert(templateId: string | null, number: number, content: VersionContent, tx?: Tx): Promise<TemplateVersion> {
    const m = tx ?? this.dataSource.manager;
    return m.save(TemplateVersion, m.create(TemplateVersion, { templateId, number, ...content }));
  }
}

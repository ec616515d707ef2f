import { BadRequestException, Injectable, NotFoundException } from '@nestjs/common';
import { isUUID } from 'class-validator';
import { TemplateRepository } from '../../templates/template.repository';
import { TemplatesService } from '../../templates/templates.service';
import { CONTENT_SLOT_HELP, fillContentSlot, hasContentSlot } from './content-slot';
import { DEFAULT_LAYOUT, WrittenFormat } from './content-format';
import { writtenToHtml } from './written-content';

/** A layout an editor can put Markdown or rich text into. */
export interface LayoutChoice {
  /** a stored template's id, or a built-in's slug */
  id: string;
  name: string;
  builtIn: boolean;
}

/**
 * The layouts of Markdown and rich-text campaigns: any campaign template with a content slot (content-slot.ts),
 * stored or built-in (a stored template overriding a built-in's slug is used in its place, as for sending).
 */
@Injectable()
export class CampaignLayouts {
  constructor(
    private readonly templates: TemplatesService,
    private readonly templateRows: TemplateRepository,
  ) {}

  /**
   * The MJML a campaign sends: the layout's current MJML with the HTML of what was written in its slot. The layout
   * is copied at this moment (like a built-in template chosen in the admin): editing the layout later changes
   * campaigns when their content is saved again, never one already reviewed.
   */
  async compose(format: WrittenFormat, source: string, layoutTemplateId = DEFAULT_LAYOUT): Promise<string> {
    const html = writtenToHtml(format, source);
    const layout = await this.layoutMjml(layoutTemplateId);
    const mjml = fillContentSlot(layout.mjml, html);
    if (mjml === null) {
      throw new BadRequestException([
        `layoutTemplateId: template “${layout.name}” has no content slot (${CONTENT_SLOT_HELP})`,
      ]);
    }
    return mjml;
  }

  /** Built-in layouts first, then stored campaign templates (newest first, at most 1000); only those with a content slot. */
  async choices(): Promise<LayoutChoice[]> {
    // One query for the stored ones with their current MJML (the template list leaves the bodies out).
    const [stored] = await this.templateRows.page('campaign', 0, 1000);
    const builtIns: LayoutChoice[] = [];
    for (const t of (await this.templates.list(1, 1000, { kind: 'campaign' })).items) {
      // built-ins are in memory; one overridden by a stored template is listed as that template
      if (t.builtIn && !t.overridden && hasContentSlot((await this.templates.getBuiltIn(t.slug)).mjml))
        builtIns.push({ id: t.slug, name: t.name, builtIn: true });
    }
    const mine = stored
      .filter((t) => t.currentVersion && hasContentSlot(t.currentVersion.mjml))
      .map((t) => ({ id: t.id, name: t.name, builtIn: false }));
    return [...builtIns, ...mine];
  }

  private async layoutMjml(id: string): Promise<{ name: string; mjml: string }> {
    try {
      if (isUUID(id)) {
        const t = await this.templates.get(id);
        if (t.kind === 'campaign') return { name: t.name, mjml: t.mjml };
      }
      const resolved = await this.templates.resolve(id);
      if (resolved.kind === 'campaign') {
        const name = (await this.templates.namesOf([id])).get(id) ?? id;
        return { name, mjml: resolved.source.mjml };
      }
    } catch (e) {
      if (!(e instanceof NotFoundException)) throw e;
    }
    throw new BadRequestException([`layoutTemplateId: there is no campaign template ${id}`]);
  }
}

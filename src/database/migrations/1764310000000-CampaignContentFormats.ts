import { MigrationInterface, QueryRunner, TableColumn } from 'typeorm';
import { columnsFor } from '../migration-columns';

/**
 * A campaign written as Markdown or rich text keeps what the editor wrote (`content_source`), in which format,
 * and the layout it was put into; what it sends is still one template version (the layout filled with it).
 */
export class CampaignContentFormats1764310000000 implements MigrationInterface {
  name = 'CampaignContentFormats1764310000000';

  async up(q: QueryRunner): Promise<void> {
    const col = columnsFor(q);
    await q.addColumns('campaigns', [
      new TableColumn(col.text('content_format', 16, { default: "'mjml'" })),
      new TableColumn(col.text('content_source', undefined, { isNullable: true })),
      new TableColumn(col.text('layout_template_id', 100, { isNullable: true })),
    ]);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumns('campaigns', ['content_format', 'content_source', 'layout_template_id']);
  }
}

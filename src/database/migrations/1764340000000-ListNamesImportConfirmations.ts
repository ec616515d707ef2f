import { MigrationInterface, QueryRunner, TableColumn, TableIndex } from 'typeorm';
import { freeListName, listNameKey } from '../../lists/list-name-key';
import { columnsFor } from '../migration-columns';

/**
 * Two rough edges of issue 15.
 * - List names are unique (letter case and surrounding blanks aside): `lists.name_key` under a unique index, so two
 *   requests at once cannot both create "News". A database may already hold duplicates: the oldest list keeps its
 *   name, each later one is renamed "Name (2)", "Name (3)", … (named in the log), so this never fails on them.
 * - An import into double opt-in lists records what the editor chose (`confirmation`: send mails, or the people
 *   already consented) and how many confirmation mails it queued.
 */
export class ListNamesImportConfirmations1764340000000 implements MigrationInterface {
  name = 'ListNamesImportConfirmations1764340000000';

  async up(q: QueryRunner): Promise<void> {
    const col = columnsFor(q);
    const postgres = q.connection.options.type === 'postgres';
    await q.addColumn('lists', new TableColumn(col.text('name_key', 200, { default: "''" })));
    const rows = (await q.query('SELECT id, name FROM lists ORDER BY created_at, id')) as {
      id: string;
      name: string;
    }[];
    const taken = new Set(rows.map((r) => listNameKey(r.name)));
    const seen = new Set<string>();
    for (const r of rows) {
      let { name } = r;
      if (seen.has(listNameKey(name))) {
        name = freeListName(name, taken);
        taken.add(listNameKey(name));
        console.warn(`list ${r.id} had the same name as an older list: renamed "${r.name}" to "${name}"`);
      }
      seen.add(listNameKey(name));
      await q.query(
        postgres
          ? 'UPDATE lists SET name = $1, name_key = $2 WHERE id = $3'
          : 'UPDATE lists SET name = ?, name_key = ? WHERE id = ?',
        [name, listNameKey(name), r.id],
      );
    }
    await q.createIndex(
      'lists',
      new TableIndex({ name: 'uq_lists_name_key', columnNames: ['name_key'], isUnique: true }),
    );

    await q.addColumn('imports', new TableColumn(col.text('confirmation', 16, { isNullable: true })));
    await q.addColumn('imports', new TableColumn(col.int('confirmations_sent', { default: 0 })));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumn('imports', 'confirmations_sent');
    await q.dropColumn('imports', 'confirmation');
    await q.dropIndex('lists', 'uq_lists_name_key');
    await q.dropColumn('lists', 'name_key');
  }
}

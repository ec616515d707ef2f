import { MigrationInterface, QueryRunner, Table, TableForeignKey, TableIndex } from 'typeorm';
import { columnsFor } from '../migration-columns';

/**
 * Automations (src/automations): the automation with its steps, who is enrolled where, and each step's mail to each
 * person. The two unique keys are what makes every step go once per person.
 */
export class Automations1764410000000 implements MigrationInterface {
  name = 'Automations1764410000000';

  async up(q: QueryRunner): Promise<void> {
    const col = columnsFor(q);
    const bySubscriber = () =>
      new TableForeignKey({
        columnNames: ['subscriber_id'],
        referencedTableName: 'subscribers',
        referencedColumnNames: ['id'],
        onDelete: 'CASCADE',
      });
    const byAutomation = () =>
      new TableForeignKey({
        columnNames: ['automation_id'],
        referencedTableName: 'automations',
        referencedColumnNames: ['id'],
        onDelete: 'CASCADE',
      });
    await q.createTable(
      new Table({
        name: 'automations',
        columns: [
          col.id(),
          col.text('name', 200, { isNullable: false }),
          col.text('trigger_event', 32, { isNullable: false }),
          col.json('list_ids', { isNullable: false }),
          { name: 'trigger_days', type: 'double precision', isNullable: true },
          col.json('steps', { isNullable: false }),
          col.text('status', 16, { isNullable: false, default: "'active'" }),
          col.createdAt(),
          col.updatedAt(),
        ],
        indices: [new TableIndex({ name: 'idx_automations_event_status', columnNames: ['trigger_event', 'status'] })],
      }),
    );
    await q.createTable(
      new Table({
        name: 'automation_enrolments',
        columns: [
          col.id(),
          col.uuid('automation_id', { isNullable: false }),
          col.uuid('subscriber_id', { isNullable: false }),
          col.int('next_step', { isNullable: false, default: 0 }),
          col.time('next_due_at'),
          col.text('status', 16, { isNullable: false, default: "'active'" }),
          col.text('left_reason', 64, { isNullable: true }),
          { ...col.createdAt(), name: 'enrolled_at' },
        ],
        indices: [
          new TableIndex({
            name: 'uq_automation_enrolments_person',
            columnNames: ['automation_id', 'subscriber_id'],
            isUnique: true,
          }),
          new TableIndex({ name: 'idx_automation_enrolments_due', columnNames: ['status', 'next_due_at'] }),
        ],
        foreignKeys: [byAutomation(), bySubscriber()],
      }),
    );
    await q.createTable(
      new Table({
        name: 'automation_step_sends',
        columns: [
          col.id(),
          col.uuid('automation_id', { isNullable: false }),
          col.uuid('subscriber_id', { isNullable: false }),
          col.int('step_index', { isNullable: false }),
          col.uuid('message_id', { isNullable: false }),
          col.time('sunset_due_at'),
          col.createdAt(),
        ],
        indices: [
          new TableIndex({
            name: 'uq_automation_step_sends_person_step',
            columnNames: ['automation_id', 'subscriber_id', 'step_index'],
            isUnique: true,
          }),
          new TableIndex({ name: 'idx_automation_step_sends_step', columnNames: ['automation_id', 'step_index'] }),
          new TableIndex({ name: 'idx_automation_step_sends_sunset', columnNames: ['sunset_due_at'] }),
        ],
        foreignKeys: [byAutomation(), bySubscriber()],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('automation_step_sends');
    await q.dropTable('automation_enrolments');
    await q.dropTable('automations');
  }
}

import { getMetadataArgsStorage } from 'typeorm';
import { Setting } from '../settings/setting.entity';
import { adaptColumnsTo, sqliteNow } from './column-dialect';
import { nowDefault } from './column-types';

function columnOf(property: keyof Setting) {
  const column = getMetadataArgsStorage().columns.find((c) => c.target === Setting && c.propertyName === property);
  return column!.options;
}

describe('adaptColumnsTo', () => {
  afterAll(() => adaptColumnsTo('postgres'));

  it("gives entity columns SQLite's types, idempotently, and PostgreSQL's back", () => {
    adaptColumnsTo('sqlite');
    adaptColumnsTo('sqlite');
    expect(columnOf('value').type).toBe('simple-json');
    expect(columnOf('updatedAt')).toMatchObject({ type: 'datetime', default: sqliteNow });
    expect(columnOf('key').type).toBe('varchar');

    adaptColumnsTo('postgres');
    adaptColumnsTo('postgres');
    expect(columnOf('value').type).toBe('jsonb');
    expect(columnOf('updatedAt')).toMatchObject({ type: 'timestamptz', default: nowDefault });
    expect(columnOf('key').type).toBe('varchar');

    adaptColumnsTo('sqlite');
    expect(columnOf('updatedAt')).toMatchObject({ type: 'datetime', default: sqliteNow });
  });
});

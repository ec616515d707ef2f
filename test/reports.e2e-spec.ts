import { makeList, makeSubscriber, uniqueTag } from './support/factories';
import { createTestApp, TestApp } from './support/test-app';

describe('Audience report: GET /api/reports/audience (e2e)', () => {
  let t: TestApp;
  let viewer: string;

  beforeAll(async () => {
    t = await createTestApp();
    viewer = await t.tokenFor('viewer');
  });
  afterAll(async () => {
    await t?.close();
  });

  const report = (query: Record<string, string>) =>
    t.http().get('/api/reports/audience').query(query).set('Authorization', `Bearer ${viewer}`);

  async function people(
    n: number,
    attributes: Record<string, unknown>,
    lists: Record<string, 'confirmed' | 'unconfirmed'> = {},
  ) {
    for (let i = 0; i < n; i++) await makeSubscriber(t, { attributes, lists });
  }

  it('counts per value, shows groups under 5 as "<5" and withholds the total then; within a list, confirmed members only', async () => {
    const attr = `tier_${uniqueTag()}`;
    const list = await makeList(t, { optIn: 'double' });
    await people(7, { [attr]: 'gold' }, { [list.id]: 'confirmed' });
    await people(5, { [attr]: 'silver' }, { [list.id]: 'confirmed' });
    await people(2, { [attr]: 'bronze' }, { [list.id]: 'confirmed' });
    await people(3, { [attr]: 'silver' }, { [list.id]: 'unconfirmed' });
    await people(1, { [attr]: 'gold' });
    await makeSubscriber(t, {
      attributes: { [attr]: 'gold' },
      status: 'blocklisted',
      lists: { [list.id]: 'confirmed' },
    });

    await makeSubscriber(t, { attributes: { other: 1 } }); // the only one without the attribute (this test runs first)

    const all = (await report({ groupBy: `attributes.${attr}` }).expect(200)).body;
    expect(all.groups).toEqual([
      { value: 'gold', count: 8 }, // ties in value order
      { value: 'silver', count: 8 },
      { value: 'bronze', count: '<5' },
      { value: null, count: '<5' },
    ]);
    expect(all.total).toBeNull();
    expect(all.hiddenGroups).toBe(2);
    expect(JSON.stringify(all)).not.toMatch(/"count":\s*2\b/);

    const inList = (await report({ groupBy: `attributes.${attr}`, listId: list.id }).expect(200)).body;
    expect(inList).toMatchObject({
      groupBy: `attributes.${attr}`,
      listId: list.id,
      groups: [
        { value: 'gold', count: 7 },
        { value: 'silver', count: 5 },
        { value: 'bronze', count: '<5' },
      ],
      total: null,
      shownTotal: 12,
    });
  });

  it('gives the exact total when no group is small, and counts numbers and booleans by their JSON text', async () => {
    const attr = `n-${uniqueTag()}`;
    const list = await makeList(t);
    await people(5, { [attr]: 42 }, { [list.id]: 'confirmed' });
    await people(6, { [attr]: true }, { [list.id]: 'confirmed' });
    const body = (await report({ groupBy: `attributes.${attr}`, listId: list.id }).expect(200)).body;
    expect(body.groups).toEqual([
      { value: 'true', count: 6 },
      { value: '42', count: 5 },
    ]);
    expect(body.total).toBe(11);
  });

  it('validates groupBy and listId, and answers 404 for an unknown list', async () => {
    for (const groupBy of [
      'name',
      'attributes.',
      "attributes.x'); DROP TABLE subscribers;--",
      'attributes.a.b',
      'attributes.a"b',
    ]) {
      const res = await report({ groupBy }).expect(400);
      expect(JSON.stringify(res.body.message)).toContain('groupBy');
    }
    expect((await report({ groupBy: 'attributes.x', listId: 'nope' }).expect(400)).body.message).toEqual([
      'listId must be a UUID',
    ]);
    await report({ groupBy: 'attributes.x', listId: '0f8d3c1e-5b7a-4c2d-9e61-2a4b8c9d0e1f' }).expect(404);
    await t.http().get('/api/reports/audience').query({ groupBy: 'attributes.x' }).expect(401);
  });
});

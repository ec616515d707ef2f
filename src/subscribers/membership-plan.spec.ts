import { ListToJoin, Membership, planMemberships } from './membership-plan';

const single = (id: string): ListToJoin => ({ id, optIn: 'single' });
const double = (id: string): ListToJoin => ({ id, optIn: 'double' });

describe('planMemberships', () => {
  it('joins single opt-in lists confirmed and double opt-in lists unconfirmed, asking confirmation for those', () => {
    const plan = planMemberships([], [single('s'), double('d')], false);
    expect(plan.add).toEqual([
      { listId: 's', status: 'confirmed' },
      { listId: 'd', status: 'unconfirmed' },
    ]);
    expect(plan.awaitingConfirmation).toEqual(['d']);
    expect(plan.remove).toEqual([]);
    expect(plan.confirm).toEqual([]);
  });

  it('with preconfirm, joins double opt-in lists confirmed and confirms unconfirmed memberships of the lists named', () => {
    const existing: Membership[] = [
      { listId: 'waiting', status: 'unconfirmed' },
      { listId: 'other', status: 'unconfirmed' },
    ];
    const plan = planMemberships(existing, [double('d'), double('waiting')], true);
    expect(plan.add).toEqual([{ listId: 'd', status: 'confirmed' }]);
    expect(plan.confirm).toEqual(['waiting']);
    expect(plan.awaitingConfirmation).toEqual([]);
    expect(plan.remove).toEqual(['other']);
  });

  it('removes memberships of lists not named, except unsubscribed ones', () => {
    const existing: Membership[] = [
      { listId: 'a', status: 'confirmed' },
      { listId: 'b', status: 'unconfirmed' },
      { listId: 'c', status: 'unsubscribed' },
    ];
    const plan = planMemberships(existing, [], false);
    expect(plan.remove).toEqual(['a', 'b']);
    expect(plan.add).toEqual([]);
  });

  it('never re-adds or confirms an unsubscribed membership, even with preconfirm', () => {
    const plan = planMemberships([{ listId: 'left', status: 'unsubscribed' }], [double('left')], true);
    expect(plan).toEqual({ add: [], confirm: [], remove: [], awaitingConfirmation: [] });
  });

  it('changes nothing for lists already joined and asks no second confirmation', () => {
    const existing: Membership[] = [{ listId: 'd', status: 'unconfirmed' }];
    expect(planMemberships(existing, [double('d')], false)).toEqual({
      add: [],
      confirm: [],
      remove: [],
      awaitingConfirmation: [],
    });
  });

  it('keeps the set of lists when none is given, confirming waiting memberships only with preconfirm', () => {
    const existing: Membership[] = [
      { listId: 'a', status: 'unconfirmed' },
      { listId: 'b', status: 'confirmed' },
    ];
    expect(planMemberships(existing, undefined, false)).toEqual({
      add: [],
      confirm: [],
      remove: [],
      awaitingConfirmation: [],
    });
    expect(planMemberships(existing, undefined, true)).toEqual({
      add: [],
      confirm: ['a'],
      remove: [],
      awaitingConfirmation: [],
    });
  });
});

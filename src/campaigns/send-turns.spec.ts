import { SendTurns } from './send-turns';

describe('SendTurns', () => {
  it('lets one waiter through per turn of the event loop, in the order they asked', async () => {
    const turns = new SendTurns();
    const order: string[] = [];
    let turn = 0;
    let counting = true;
    // Counts turns of the event loop: one immediate per turn.
    const tick = () => {
      turn++;
      if (counting) setImmediate(tick);
    };
    setImmediate(tick);
    const seen = await Promise.all(
      [0, 1, 2, 3].map(async (i) => {
        await turns.next();
        order.push(`w${i}`);
        return turn;
      }),
    );
    counting = false;
    expect(order).toEqual(['w0', 'w1', 'w2', 'w3']);
    expect(new Set(seen).size).toBe(4); // four different turns
  });
});

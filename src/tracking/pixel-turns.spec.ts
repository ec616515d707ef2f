import { EventEmitter } from 'node:events';
import { PixelTurns } from './pixel-turns';

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('PixelTurns', () => {
  it('answers at once while no other request is under way', () => {
    const turns = new PixelTurns(2);
    const answered: number[] = [];
    for (let i = 0; i < 5; i++) turns.run(() => answered.push(i));
    expect(answered).toEqual([0, 1, 2, 3, 4]);
  });

  it('answers at most perTurn pixels a turn while another request is under way, all of them in order once it closed', async () => {
    const turns = new PixelTurns(2);
    const other = new EventEmitter();
    turns.otherStarted(other);
    const answered: number[] = [];
    for (let i = 0; i < 5; i++) turns.run(() => answered.push(i));
    expect(answered).toEqual([]);
    await nextTurn();
    expect(answered).toEqual([0, 1]);
    other.emit('close');
    await nextTurn();
    expect(answered).toEqual([0, 1, 2, 3, 4]);
    expect(turns.pending).toBe(0);
    // and at once again
    turns.run(() => answered.push(5));
    expect(answered).toHaveLength(6);
  });

  it('keeps arrival order: a pixel that comes while others wait queues behind them', async () => {
    const turns = new PixelTurns(1);
    const other = new EventEmitter();
    turns.otherStarted(other);
    const answered: string[] = [];
    turns.run(() => answered.push('a'));
    other.emit('close');
    turns.run(() => answered.push('b'));
    expect(answered).toEqual([]);
    await nextTurn();
    expect(answered).toEqual(['a', 'b']);
  });

  it('is idle only while no other request is under way and no pixel waits (then run answers at once)', async () => {
    const turns = new PixelTurns(1);
    expect(turns.idle).toBe(true);
    const other = new EventEmitter();
    turns.otherStarted(other);
    expect(turns.idle).toBe(false);
    turns.run(() => undefined);
    other.emit('close');
    // the other request is over, but a pixel still waits for its turn
    expect(turns.idle).toBe(false);
    await nextTurn();
    expect(turns.idle).toBe(true);
  });
});

/**
 * Turns of the event loop for rendering campaign messages, one message per turn. Rendering is synchronous
 * (a large newsletter takes a millisecond or more); dozens of messages waiting for a plain setImmediate would
 * all render in the same turn and hold back, for that long, every HTTP request and transactional mail the
 * turn was to serve. One per turn keeps the service answering between any two renders.
 */
export class RenderTurns {
  private readonly waiting: Array<() => void> = [];
  private scheduled = false;

  /** Resolves in a later turn of the event loop, after every message that asked before. */
  next(): Promise<void> {
    return new Promise<void>((resolve) => {
      this.waiting.push(resolve);
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || !this.waiting.length) return;
    this.scheduled = true;
    // An immediate set while immediates run waits for the next turn: one release per turn.
    setImmediate(() => {
      this.scheduled = false;
      this.waiting.shift()!();
      this.schedule();
    });
  }
}

/**
 * A bounded map of recent entries: two generations of at most `size` entries each; when the current one is
 * full it becomes the previous one and the oldest generation is dropped whole. A lookup costs one or two Map
 * reads and there is no bookkeeping per read, unlike an LRU list; an entry read from the previous generation
 * moves to the current one, so what is in use stays.
 */
export class RecentMap<V> {
  private current = new Map<string, V>();
  private previous = new Map<string, V>();

  constructor(private readonly size: number) {}

  get(key: string): V | undefined {
    const value = this.current.get(key);
    if (value !== undefined) return value;
    const old = this.previous.get(key);
    if (old !== undefined) this.set(key, old);
    return old;
  }

  set(key: string, value: V): void {
    if (this.current.size >= this.size) {
      this.previous = this.current;
      this.current = new Map();
    }
    this.current.set(key, value);
  }
}

/** A fixed-size pool: `use` waits for a free resource, in arrival order, and always gives it back. */
export class Pool<T> {
  private readonly idle: T[] = [];
  private readonly waiting: ((resource: T) => void)[] = [];
  readonly size: number;

  constructor(resources: readonly T[]) {
    this.idle.push(...resources);
    this.size = resources.length;
  }

  async use<R>(work: (resource: T) => Promise<R>): Promise<R> {
    const resource = await this.acquire();
    try {
      return await work(resource);
    } finally {
      this.release(resource);
    }
  }

  acquire(): Promise<T> {
    const resource = this.idle.pop();
    if (resource !== undefined) return Promise.resolve(resource);
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  release(resource: T): void {
    const next = this.waiting.shift();
    if (next) next(resource);
    else this.idle.push(resource);
  }

  get waitingCount(): number {
    return this.waiting.length;
  }

  /** Resources handed out and not yet given back. */
  get inUseCount(): number {
    return this.size - this.idle.length;
  }
}

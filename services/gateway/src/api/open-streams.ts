import { QuotaExceededError } from '@aurora/errors';

/** The bell's live streams (GET /notifications/stream): counted apart from the export views. */
export const NOTIFICATION_STREAMS = 'NOTIFICATION_STREAMS';

/**
 * The export event streams each user holds open on this replica (each holds a NATS consumer): at most `limit`
 * at once. Counted per replica, in memory: a user's streams spread over R replicas may reach R × limit.
 */
export class OpenStreams {
  private readonly open = new Map<string, number>();

  constructor(
    private readonly limit: number,
    /** What the streams are, in the refusal's words. */
    private readonly what = 'live export progress views',
  ) {}

  /** Takes one of `subject`'s slots, or refuses with QUOTA_EXCEEDED; the returned release is safe to call twice. */
  acquire(subject: string): () => void {
    const count = this.open.get(subject) ?? 0;
    if (count >= this.limit) {
      throw new QuotaExceededError(
        'sseStreams',
        `You already have ${this.limit} ${this.what} open (your limit); close one and try again.`,
      );
    }
    this.open.set(subject, count + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.open.get(subject) ?? 1) - 1;
      if (left > 0) this.open.set(subject, left);
      else this.open.delete(subject);
    };
  }
}

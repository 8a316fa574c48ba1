import { Observable, Subject } from 'rxjs';
import { Limiter } from './limiter';

describe('Limiter: at most N requests at once', () => {
  /** Requests that answer when the test says so; `started` counts the ones subscribed to. */
  function requests(n: number) {
    const answers = Array.from({ length: n }, () => new Subject<number>());
    const started: number[] = [];
    const sources: Observable<number>[] = answers.map(
      (answer, i) =>
        new Observable<number>((subscriber) => {
          started.push(i);
          return answer.subscribe(subscriber);
        }),
    );
    return { answers, started, sources };
  }

  it('starts 4 of 6 at once, and the next as each one ends, in order', () => {
    const limiter = new Limiter(4);
    const { answers, started, sources } = requests(6);
    const got: number[] = [];
    for (const source of sources)
      limiter.run(source).subscribe({ next: (v) => got.push(v), error: () => got.push(-1) });
    expect(started).toEqual([0, 1, 2, 3]);
    expect(limiter.active).toBe(4);
    expect(limiter.queued).toBe(2);

    answers[1]?.next(10);
    answers[1]?.complete();
    expect(started).toEqual([0, 1, 2, 3, 4]);
    answers[2]?.error(new Error('refused'));
    expect(started).toEqual([0, 1, 2, 3, 4, 5]);
    expect(got).toEqual([10, -1]);
    expect(limiter.active).toBe(4);
    expect(limiter.queued).toBe(0);
  });

  it('never starts a request cancelled while waiting; a cancelled running one frees its slot', () => {
    const limiter = new Limiter(2);
    const { started, sources, answers } = requests(4);
    const subs = sources.map((source) => limiter.run(source).subscribe());
    subs[2]?.unsubscribe();
    expect(limiter.queued).toBe(1);
    subs[0]?.unsubscribe();
    expect(started).toEqual([0, 1, 3]);
    expect(answers[0]?.observed).toBe(false);
    expect(limiter.active).toBe(2);
  });
});

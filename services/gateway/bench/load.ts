// What the gateway's benchmarks share: load in time slices (autocannon over HTTP, or callers in this process),
// latency percentiles and CPU time per process from /proc.
import autocannon from 'autocannon';
import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';

export const ROOT = resolve(__dirname, '../../..');

export const percentile = (sorted: readonly number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
export const verdict = (met: boolean): string => (met ? 'PASS' : 'FAIL');
export const fmt = (n: number, digits = 1): string =>
  n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
export const loadAverage = (): number => Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[0]);

/** One side's measurements over all its slices. */
export interface Side {
  requests: number;
  seconds: number;
  errors: number;
  readonly latencies: number[];
  /** CPU time of the serving processes (or, directly, of this process and the database). */
  cpuMs: number;
  /** The same, per process, by the names the slices were given. */
  readonly cpuMsBy: Record<string, number>;
  /** CPU time of this process as the HTTP client (autocannon), which the HTTP sides pay and direct ones not. */
  clientCpuMs: number;
}

export const side = (): Side => ({
  requests: 0,
  seconds: 0,
  errors: 0,
  latencies: [],
  cpuMs: 0,
  cpuMsBy: {},
  clientCpuMs: 0,
});

/** Processes by name, e.g. `{ gateway: pid, metadata: pid }`. */
export type Pids = Readonly<Record<string, number>>;

function statFields(pid: number): string[] {
  return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
}

/**
 * User plus system CPU time so far, in ms, of a process, its children that ended (cutime, cstime) and those still
 * running (PostgreSQL's backends); Linux: /proc/<pid>/stat, in clock ticks of 10 ms.
 */
export function cpuMsOf(pid: number): number {
  const fields = statFields(pid);
  const own = [11, 12, 13, 14].reduce((sum, i) => sum + Number(fields[i]), 0) * 10;
  return own + childrenOf(pid).reduce((sum, child) => sum + cpuMsOf(child), 0);
}

function childrenOf(pid: number): number[] {
  const children: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (Number(statFields(Number(entry))[1]) === pid) children.push(Number(entry));
    } catch {
      // it ended while we looked
    }
  }
  return children;
}

export const ownCpuMs = (): number => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

function cpuSnapshot(pids: Pids): Record<string, number> {
  return Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, cpuMsOf(pid)]));
}

function addCpu(into: Side, before: Record<string, number>, pids: Pids): void {
  for (const [name, ms] of Object.entries(cpuSnapshot(pids))) {
    const used = ms - (before[name] ?? ms);
    into.cpuMsBy[name] = (into.cpuMsBy[name] ?? 0) + used;
    into.cpuMs += used;
  }
}

export interface HttpLoad {
  /** The origin and default path. */
  readonly url: string;
  readonly method: 'GET' | 'POST';
  readonly connections: number;
  readonly seconds: number;
  /** The serving processes, whose CPU time the requests cost. */
  readonly pids: Pids;
  /** The i-th request: its headers, and a path (else the url's) and body of its own. */
  readonly request: (i: number) => { headers: Record<string, string>; path?: string; body?: string };
}

/** `seconds` of `connections` clients sending `request(0)`, `request(1)`, … to the stack, added to `into`. */
export async function httpSlice(into: Side, load: HttpLoad): Promise<void> {
  let next = 0;
  const cpu0 = cpuSnapshot(load.pids);
  const own0 = ownCpuMs();
  const result = await new Promise<autocannon.Result>((resolvePromise, reject) => {
    const instance = autocannon(
      {
        url: load.url,
        connections: load.connections,
        duration: load.seconds,
        requests: [
          {
            method: load.method,
            setupRequest: (request) => {
              const own = load.request(next++);
              // A copy: autocannon writes content-length into the headers it is given.
              return { ...request, ...own, headers: { ...own.headers } };
            },
          },
        ],
      },
      (error: Error | null, done) => (error ? reject(error) : resolvePromise(done)),
    );
    instance.on('response', (_client, _status, _bytes, responseTime) => into.latencies.push(responseTime));
  });
  into.clientCpuMs += ownCpuMs() - own0;
  addCpu(into, cpu0, load.pids);
  into.requests += result.requests.total;
  into.seconds += load.seconds;
  into.errors += result.errors + result.timeouts + result.non2xx;
}

export interface DirectLoad {
  readonly connections: number;
  readonly seconds: number;
  /** The i-th call, e.g. a statement on the database. */
  readonly call: (i: number) => Promise<unknown>;
  /** Processes besides this one that the calls cost (a database server); this process counts as `caller`. */
  readonly pids?: Pids;
}

/** `seconds` of `connections` callers in this process making `call(0)`, `call(1)`, …, added to `into`. */
export async function directSlice(into: Side, load: DirectLoad): Promise<void> {
  const pids = load.pids ?? {};
  const deadline = Date.now() + load.seconds * 1000;
  const started = Date.now();
  const cpu0 = cpuSnapshot(pids);
  const own0 = ownCpuMs();
  let issued = 0;
  await Promise.all(
    Array.from({ length: load.connections }, async () => {
      while (Date.now() < deadline) {
        const t0 = performance.now();
        try {
          await load.call(issued++);
        } catch {
          into.errors += 1;
        }
        into.latencies.push(performance.now() - t0);
        into.requests += 1;
      }
    }),
  );
  const own = ownCpuMs() - own0;
  into.cpuMsBy['caller'] = (into.cpuMsBy['caller'] ?? 0) + own;
  into.cpuMs += own;
  addCpu(into, cpu0, pids);
  into.seconds += (Date.now() - started) / 1000;
}

import { spawn, type ChildProcess } from 'node:child_process';

export interface ProcessOptions {
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
  readonly cwd?: string;
  /** Ready when this URL answers (any HTTP status below 500)… */
  readonly readyUrl?: string;
  /** …or when a line of its output matches. */
  readonly readyLine?: RegExp;
  readonly timeoutMs?: number;
}

export interface RunningProcess {
  readonly child: ChildProcess;
  /** Everything it printed so far (stdout and stderr), for failure messages. */
  output(): string;
  stop(): Promise<void>;
}

/**
 * Starts a real server as a child process and waits until it is ready. Tests own what they start: `stop()`
 * sends SIGTERM, then SIGKILL after 5 s, and resolves when the process has exited.
 */
export async function startProcess(options: ProcessOptions): Promise<RunningProcess> {
  const child = spawn(options.command, [...options.args], {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const running: RunningProcess = {
    child,
    output: () => output,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
  let started = false;
  const ready = new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      // Once ready, no more searching: a server under load logs a line per request, and matching the whole
      // output again at each chunk cost the benchmarks' process time that grew with the square of the log.
      if (!started && options.readyLine?.test(output)) {
        started = true;
        resolve();
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) =>
      reject(new Error(`${options.name} exited (${String(code)}) before it was ready:\n${output}`)),
    );
    if (options.readyUrl) void pollUntilReady(options.readyUrl, child).then(resolve, reject);
  });
  const timeoutMs = options.timeoutMs ?? 30_000;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${options.name} not ready after ${timeoutMs} ms:\n${output}`)),
      timeoutMs,
    );
  });
  try {
    await Promise.race([ready, timeout]);
  } catch (error) {
    await running.stop();
    throw error;
  } finally {
    clearTimeout(timer);
  }
  return running;
}

async function pollUntilReady(url: string, child: ChildProcess): Promise<void> {
  while (child.exitCode === null) {
    try {
      const response = await fetch(url);
      if (response.status < 500) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

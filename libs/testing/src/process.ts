import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

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
 * Children write their output to files, not to pipes that this process reads: a server under load logs a line
 * per request, and a pipe's writer blocks once 64 KiB wait unread, so a busy test or benchmark process (a load
 * generator) stalled the event loops of the very services it measured. Removed when this process exits.
 */
let logDir: string | undefined;
let logFiles = 0;

function logFile(name: string): string {
  if (logDir === undefined) {
    const dir = mkdtempSync(join(tmpdir(), 'aurora-process-output-'));
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    logDir = dir;
  }
  logFiles += 1;
  return join(logDir, `${name.replace(/\W+/g, '-')}-${String(logFiles)}.log`);
}

/** How often the output is read for the ready line while a process starts. */
const READY_POLL_MS = 20;

/**
 * Starts a real server as a child process and waits until it is ready. Tests own what they start: `stop()`
 * sends SIGTERM, then SIGKILL after 5 s, and resolves when the process has exited.
 */
export async function startProcess(options: ProcessOptions): Promise<RunningProcess> {
  const file = logFile(options.name);
  const fd = openSync(file, 'a');
  let child: ChildProcess;
  try {
    child = spawn(options.command, [...options.args], {
      cwd: options.cwd,
      env: { ...process.env, ...options.env },
      stdio: ['ignore', fd, fd],
    });
  } finally {
    closeSync(fd); // the child has its own copy
  }
  const output = (): string => readFileSync(file, 'utf8');
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const running: RunningProcess = {
    child,
    output,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
  let poller: NodeJS.Timeout | undefined;
  const ready = new Promise<void>((resolve, reject) => {
    const { readyLine } = options;
    if (readyLine) {
      poller = setInterval(() => {
        if (readyLine.test(output())) resolve();
      }, READY_POLL_MS);
    }
    child.once('exit', (code) =>
      reject(new Error(`${options.name} exited (${String(code)}) before it was ready:\n${output()}`)),
    );
    if (options.readyUrl) void pollUntilReady(options.readyUrl, child).then(resolve, reject);
  });
  const timeoutMs = options.timeoutMs ?? 30_000;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${options.name} not ready after ${timeoutMs} ms:\n${output()}`)),
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
    clearInterval(poller);
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

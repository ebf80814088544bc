import { execFileSync } from 'node:child_process';
import { closeSync, constants, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EXIT_FLUSH_BUDGET_MS, LogDestination } from './log-destination.js';

const dirs: string[] = [];
const fds: number[] = [];
afterEach(() => {
  for (const fd of fds.splice(0)) closeSync(fd);
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A pipe (FIFO) opened at both ends, without blocking. */
function pipe(): { reader: number; writer: number } {
  const dir = mkdtempSync(join(tmpdir(), 'ccw-log-pipe-'));
  dirs.push(dir);
  const path = join(dir, 'fifo');
  execFileSync('mkfifo', [path]);
  const reader = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  const writer = openSync(path, constants.O_WRONLY | constants.O_NONBLOCK);
  fds.push(writer);
  return { reader, writer };
}

describe('LogDestination', () => {
  it('gives up at once on a pipe whose reader is gone (EPIPE), dropping the batch', () => {
    const { reader, writer } = pipe();
    closeSync(reader);
    const destination = new LogDestination(writer, { minLength: 1 << 20 });
    destination.write('{"msg":"last words"}\n');
    const startedAt = Date.now();
    destination.flushSync(); // what runs at exit; pino's destination looped here forever
    expect(Date.now() - startedAt).toBeLessThan(100);
    expect(destination.dropped).toBe(1);
    destination.write('{"msg":"later"}\n');
    expect(destination.dropped).toBe(2);
  });

  it('waits for a full pipe at most the exit budget', () => {
    const { reader, writer } = pipe();
    fds.push(reader);
    const destination = new LogDestination(writer, { minLength: 1 << 30 });
    // More than a pipe holds (64 KiB), and nobody reads.
    for (let i = 0; i < 2000; i += 1) destination.write(`${'x'.repeat(100)}\n`);
    const startedAt = Date.now();
    destination.flushSync();
    const took = Date.now() - startedAt;
    expect(took).toBeGreaterThanOrEqual(EXIT_FLUSH_BUDGET_MS - 20);
    expect(took).toBeLessThan(EXIT_FLUSH_BUDGET_MS + 500);
  });

  it('writes batched lines to a file on flush', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ccw-log-file-'));
    dirs.push(dir);
    const destination = new LogDestination(join(dir, 'log.jsonl'));
    destination.write('{"a":1}\n');
    destination.write('{"b":2}\n');
    destination.flushSync();
    expect(readFileSync(join(dir, 'log.jsonl'), 'utf8')).toBe('{"a":1}\n{"b":2}\n');
  });
});

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collect, createHarness, ensureBuilt, eventually, jsonLines, type CliHarness } from './helpers.js';

let h: CliHarness;
beforeAll(async () => {
  ensureBuilt();
  h = await createHarness();
});
afterAll(async () => h.cleanup());

function writeInput(name: string, text: string): string {
  const path = join(h.dir, name);
  writeFileSync(path, text);
  return path;
}

const records = (path: string) => jsonLines(readFileSync(path, 'utf8'));

describe('claude-wrapper batch', () => {
  it('runs a JSONL file with per-item options and writes <input>.out.jsonl', async () => {
    const input = writeInput(
      'basic.jsonl',
      '{"prompt":"one"}\n{"id":"b","prompt":"two","model":"sonnet"}\n\n{"prompt":"three","system":"terse"}\n',
    );
    const r = await h.run(['batch', input, '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({
      total: 3,
      done: 3,
      failed: 0,
      skipped: 0,
      costUsd: 0.000624,
    });
    const out = records(join(h.dir, 'basic.out.jsonl'));
    // ids default to the line number; per-item options reach the CLI.
    expect(out.map((o) => o['id']).sort()).toEqual(['1', '4', 'b']);
    expect(out.find((o) => o['id'] === 'b')).toMatchObject({
      ok: true,
      content: 'fake reply 1 to: two',
      model: 'sonnet',
    });
    // Plain progress lines on a non-terminal stderr.
    expect(r.stderr).toMatch(/\[3\/3\] ok /);
  });

  it('reads CSV with quoted fields and ignores extra columns', async () => {
    const input = writeInput('q.csv', 'id,prompt,notes\nq1,"Hello, ""world""",x\n,"two\nlines",y\n');
    const output = join(h.dir, 'answers.jsonl');
    const r = await h.run(['batch', input, '-o', output]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/items\s+2 \(done 2, failed 0, skipped 0\)/);
    expect(r.stdout).toMatch(/latency\s+p50 .* p95 /);
    const byId = Object.fromEntries(records(output).map((o) => [o['id'], o['content']]));
    expect(byId).toEqual({ q1: 'fake reply 1 to: Hello, "world"', '2': 'fake reply 1 to: two\nlines' });
  });

  it('rejects bad input before running anything (exit 2, naming the line)', async () => {
    const before = h.prompts().length;
    const input = writeInput('bad.jsonl', '{"prompt":"fine"}\n{"prompt":"x","modle":"sonnet"}\n');
    const r = await h.run(['batch', input]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bad\.jsonl line 2 -> modle/);
    expect(h.prompts().length).toBe(before);
  });

  it('resumes after SIGKILL mid-run: no finished result lost, none run twice', async () => {
    const ids = Array.from({ length: 8 }, (_, i) => `item-${i + 1}`);
    const input = writeInput('resume.jsonl', ids.map((id) => JSON.stringify({ id, prompt: id })).join('\n'));
    const output = join(h.dir, 'resume.out.jsonl');
    const slow = JSON.stringify({ default: { kind: 'reply', chunks: ['a', 'b', 'c'], chunkDelayMs: 150 } });
    const child = h.spawn(['batch', input, '--concurrency', '2'], { env: { FAKE_CLAUDE_SCENARIO: slow } });
    child.stdin?.end();
    const exited = collect(child);
    const lineCount = () => {
      try {
        return readFileSync(output, 'utf8').split('\n').filter(Boolean).length;
      } catch {
        return 0;
      }
    };
    // Kill while items are in flight: two finished, the rest pending or running.
    expect(await eventually(() => lineCount() >= 2, 20_000, 20)).toBe(true);
    child.kill('SIGKILL');
    expect((await exited).signal).toBe('SIGKILL');
    const beforeKill = readFileSync(output, 'utf8');
    const finishedBefore = jsonLines(beforeKill);
    expect(finishedBefore.length).toBeLessThan(ids.length);

    const again = await h.run(['batch', input, '--concurrency', '4', '--json']);
    expect(again.code).toBe(0);
    const summary = JSON.parse(again.stdout) as Record<string, number>;
    expect(summary['skipped']).toBe(finishedBefore.length);
    expect(summary['done']).toBe(ids.length - finishedBefore.length);
    const after = readFileSync(output, 'utf8');
    // Finished results were kept byte for byte, and every id appears exactly once.
    expect(after.startsWith(beforeKill)).toBe(true);
    const ok = jsonLines(after).filter((o) => o['ok'] === true);
    expect(ok.map((o) => o['id']).sort()).toEqual([...ids].sort());
  });

  it('records failures and re-runs them only with --retry-failed (the last record wins)', async () => {
    const input = writeInput('flaky.jsonl', '{"id":"x","prompt":"p1"}\n{"id":"y","prompt":"p2"}\n');
    const output = join(h.dir, 'flaky.out.jsonl');
    const failing = JSON.stringify({ default: { kind: 'api_error', status: 500 } });
    const first = await h.run(['batch', input, '--json'], { env: { FAKE_CLAUDE_SCENARIO: failing } });
    expect(first.code).toBe(1);
    expect(JSON.parse(first.stdout)).toMatchObject({ done: 0, failed: 2 });
    expect(records(output)).toEqual([
      expect.objectContaining({ ok: false, error: expect.objectContaining({ code: 'API_ERROR' }) }),
      expect.objectContaining({ ok: false, error: expect.objectContaining({ code: 'API_ERROR' }) }),
    ]);

    const skipped = await h.run(['batch', input]);
    expect(skipped.code).toBe(1);
    expect(skipped.stdout).toContain('2 items failed; re-run with --retry-failed');
    expect(records(output)).toHaveLength(2);

    const retried = await h.run(['batch', input, '--retry-failed', '--json']);
    expect(retried.code).toBe(0);
    expect(JSON.parse(retried.stdout)).toMatchObject({ done: 2, failed: 0, skipped: 0 });
    const all = records(output);
    expect(all).toHaveLength(4);
    const last = new Map(all.map((o) => [o['id'], o['ok']]));
    expect(Object.fromEntries(last)).toEqual({ x: true, y: true });
  });
});

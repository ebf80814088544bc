import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { processTreeUsage } from './process-tree.js';

const linux = existsSync('/proc/self/stat');

/** A child that burns `ms` of its own CPU time (however busy the machine), then starts a sleeping grandchild. */
function busyChild(ms: number) {
  const script = `while (process.cpuUsage().user < ${ms * 1000}); require('node:child_process').spawn('sleep', ['30'], { stdio: 'inherit' }); console.log('burnt');`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'ignore'] });
  const burnt = new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
  return { child, burnt };
}

describe.runIf(linux)('processTreeUsage', () => {
  it('counts live descendants, grandchildren included, and sums their RSS and PSS', async () => {
    const before = processTreeUsage();
    const { child, burnt } = busyChild(10);
    await burnt;
    const during = processTreeUsage();
    expect(before?.processes).toBeDefined();
    // node -e and its `sleep` grandchild.
    expect(during?.processes).toBe((before?.processes ?? 0) + 2);
    expect(during?.rssBytes).toBeGreaterThan(before?.rssBytes ?? 0);
    expect(during?.pssBytes).toBeGreaterThan(0);
    expect(during?.pssBytes).toBeLessThanOrEqual(during?.rssBytes ?? 0);
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
  });

  it("keeps an exited child's CPU time (through the parent that reaped it)", async () => {
    const before = processTreeUsage(process.pid, { pss: false });
    const { child, burnt } = busyChild(400);
    await burnt;
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    const after = processTreeUsage(process.pid, { pss: false });
    expect(after?.pssBytes).toBeUndefined();
    // The child is gone from the tree but its ~0.4 CPU-s stays counted.
    expect(after?.processes).toBe(before?.processes);
    expect((after?.cpuSeconds ?? 0) - (before?.cpuSeconds ?? 0)).toBeGreaterThanOrEqual(0.3);
  });

  it('is undefined for a process that does not exist', () => {
    expect(processTreeUsage(2 ** 22 + 7)).toBeUndefined();
  });
});

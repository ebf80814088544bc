/**
 * @module
 * Prometheus gauges for this process and every CLI child it holds ({@link processTreeUsage}), read
 * at scrape time. prom-client's default `process_*` metrics cover the Node process alone, which
 * hides the ~170-230 MB and ~0.8 CPU-s per start-up that the CLI children cost.
 */
import { Counter, type Registry } from 'prom-client';
import { liveGauge } from './live-gauge.js';
import { processTreeUsage, type ProcessTreeUsage } from './process-tree.js';

/** How long one `/proc` walk serves every gauge of a scrape. @unit milliseconds */
const READ_TTL_MS = 1_000;

/** Register `<prefix>process_tree_*` on `registry`; nothing is read until a scrape. */
export function registerProcessTreeMetrics(
  registry: Registry,
  prefix: string,
  read: () => ProcessTreeUsage | undefined = () => processTreeUsage(),
): void {
  let cached: { at: number; usage: ProcessTreeUsage | undefined } | undefined;
  const usage = (): ProcessTreeUsage | undefined => {
    const now = Date.now();
    if (!cached || now - cached.at > READ_TTL_MS) cached = { at: now, usage: read() };
    return cached.usage;
  };
  liveGauge(
    registry,
    `${prefix}process_tree_rss_bytes`,
    'Resident memory of this process and all its children (shared pages counted per process)',
    () => usage()?.rssBytes ?? 0,
  );
  liveGauge(
    registry,
    `${prefix}process_tree_pss_bytes`,
    'Proportional memory of this process and all its children (shared pages split)',
    () => usage()?.pssBytes ?? 0,
  );
  liveGauge(
    registry,
    `${prefix}process_tree_processes`,
    'Live processes in the tree: this one and its CLI children',
    () => usage()?.processes ?? 0,
  );
  let counted = 0;
  new Counter({
    name: `${prefix}process_tree_cpu_seconds_total`,
    help: 'CPU time of this process and all its children, exited ones included',
    registers: [registry],
    collect() {
      const total = usage()?.cpuSeconds ?? counted;
      if (total > counted) this.inc(total - counted);
      counted = Math.max(counted, total);
    },
  });
}

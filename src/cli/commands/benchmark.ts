/**
 * @module
 * `claude-wrapper benchmark`: latency, throughput and cost of a short prompt.
 */
import type { Command } from 'commander';
import type { BenchmarkFlags } from '../benchmark/run-benchmark.js';
import { parseInteger } from '../shared/parse-flags.js';
import { addRunFlags } from '../shared/run-flags.js';

/** Register the `benchmark` command. */
export function registerBenchmark(program: Command): void {
  const command = program
    .command('benchmark')
    .description('Run a short prompt N times and report latency p50/p95/max, throughput and cost')
    .option('-n, --iterations <n>', 'how many runs', parseInteger(), 10)
    .option('-j, --concurrency <n>', 'runs at once', parseInteger(), 1)
    .option('-p, --prompt <text>', 'the prompt', 'Reply with the single word: ok')
    .option('--json', 'print the result as JSON');
  addRunFlags(command, { jsonSchema: false })
    .addHelpText(
      'after',
      `
Examples:
  $ claude-wrapper benchmark --iterations 20 --concurrency 4
  $ claude-wrapper benchmark -n 5 --model haiku --json | jq .latencyMs.p95

Each run is billed. Runs use no tools and one model call unless --tools/--max-turns say otherwise.
--json prints: iterations, concurrency, ok, failed, errors {code: count}, wallMs, throughputRps,
latencyMs {count, p50, p95, max, mean}, costUsd. Exit code 1 if any run failed.`,
    )
    .action(async (flags: BenchmarkFlags) => {
      const { runBenchmark } = await import('../benchmark/run-benchmark.js');
      await runBenchmark(flags);
    });
}

/**
 * @module
 * Prometheus metrics of the processes the proxy keeps for their conversation's next turn
 * (conversation affinity), read from the gateway's counters at scrape time.
 */
import { Counter, type Registry } from 'prom-client';
import { liveGauge } from './live-gauge.js';

/** What the metrics read (the gateway's kept-process stats have this shape). */
export interface ConversationProcessValues {
  readonly kept: number;
  /** @unit bytes */
  readonly memoryBytes: number;
  readonly continuations: number;
  readonly reused: number;
  readonly evictions: Readonly<Record<string, number>>;
}

/**
 * Register on `registry`: `claude_wrapper_conversation_processes` (kept now),
 * `claude_wrapper_conversation_process_bytes` (their resident memory when kept),
 * `claude_wrapper_conversation_continuations_total` (turns sent to a kept process),
 * `claude_wrapper_conversation_reused_total` (kept processes rewound for a new conversation) and
 * `claude_wrapper_conversation_process_evictions_total{reason}` (ended unclaimed: `count`, `idle`,
 * `memory`, `exited`, `replaced`, `mismatch`, `moved`: another replica resumed its conversation).
 * `read` returns undefined when affinity is off.
 */
export function registerConversationProcessMetrics(
  registry: Registry,
  read: () => ConversationProcessValues | undefined,
): void {
  liveGauge(
    registry,
    'claude_wrapper_conversation_processes',
    'CLI processes kept alive for their conversation’s next turn',
    () => read()?.kept ?? 0,
  );
  liveGauge(
    registry,
    'claude_wrapper_conversation_process_bytes',
    'Resident memory of the kept conversation processes, measured when kept',
    () => read()?.memoryBytes ?? 0,
  );
  new Counter({
    name: 'claude_wrapper_conversation_continuations_total',
    help: 'Turns sent to the process kept for their conversation (no start-up, no resume)',
    registers: [registry],
    collect() {
      this.reset();
      this.inc(read()?.continuations ?? 0);
    },
  });
  new Counter({
    name: 'claude_wrapper_conversation_reused_total',
    help: 'Kept conversation processes rewound to serve a new conversation (the warm pool had none ready)',
    registers: [registry],
    collect() {
      this.reset();
      this.inc(read()?.reused ?? 0);
    },
  });
  new Counter({
    name: 'claude_wrapper_conversation_process_evictions_total',
    help: 'Kept conversation processes ended without being continued, by reason',
    labelNames: ['reason'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const [reason, count] of Object.entries(read()?.evictions ?? {})) this.inc({ reason }, count);
    },
  });
}

/**
 * @module
 * Run one batch item and turn the outcome into the record that goes to the output file.
 */
import type { RunOptions } from '../../client/run-options.js';
import type { ClaudeCodeWrapper } from '../../client/wrapper.js';
import { ClaudeCodeError, ClaudeCodeRunError } from '../../core/errors/index.js';
import { isInterrupt, isUsageError } from '../exit-codes.js';
import { messageOf } from '../report-error.js';
import type { BatchItem } from './read-items.js';
import type { BatchRecord } from './results-log.js';

/**
 * Run `item` with `base` options (the command's flags) under the item's own.
 * @returns the record, or `undefined` when the run was interrupted (the item stays pending).
 * @throws errors that doom every item alike (missing binary, bad configuration), so the batch stops.
 */
export async function runItem(
  wrapper: ClaudeCodeWrapper,
  item: BatchItem,
  base: RunOptions,
  signal: AbortSignal,
): Promise<BatchRecord | undefined> {
  const started = performance.now();
  const finished = () => ({
    durationMs: Math.round(performance.now() - started),
    finishedAt: new Date().toISOString(),
  });
  try {
    const r = await wrapper.run(item.prompt, { ...base, ...item.options, signal });
    if (r.isError) {
      const error = new ClaudeCodeRunError(r);
      return {
        id: item.id,
        ok: false,
        error: { code: error.code, message: error.message },
        costUsd: r.metrics.costUsd,
        ...finished(),
      };
    }
    return {
      id: item.id,
      ok: true,
      content: r.content,
      ...(r.structuredOutput === undefined ? {} : { structuredOutput: r.structuredOutput }),
      sessionId: r.sessionId,
      model: r.model ?? null,
      costUsd: r.metrics.costUsd,
      inputTokens: r.metrics.inputTokens,
      outputTokens: r.metrics.outputTokens,
      ...finished(),
    };
  } catch (error) {
    if (isInterrupt(error) && signal.aborted) return undefined;
    if (isUsageError(error)) throw error;
    const code = ClaudeCodeError.isInstance(error) ? error.code : 'UNKNOWN';
    return { id: item.id, ok: false, error: { code, message: messageOf(error) }, costUsd: 0, ...finished() };
  }
}

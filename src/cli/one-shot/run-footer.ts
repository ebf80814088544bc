/**
 * @module
 * The dim one-line summary (cost, time, session id) printed after an answer, on stderr and only on a
 * terminal: people see what a prompt cost, scripts reading stdout never do.
 */
import type { ClaudeCodeResponse } from '../../core/response.js';
import { formatDuration, formatUsd } from '../shared/format.js';
import { createStyle, isFancy } from '../shared/terminal.js';

/** Print `$0.0002 · 1.2 s · session <id>` to stderr when it is a terminal. */
export function printRunFooter(response: ClaudeCodeResponse, stream = process.stderr): void {
  if (!isFancy(stream)) return;
  const style = createStyle(stream);
  const parts = [formatUsd(response.metrics.costUsd), formatDuration(response.executionTimeMs)];
  if (response.sessionId) parts.push(`session ${response.sessionId}`);
  stream.write(`${style.dim(parts.join(' · '))}\n`);
}

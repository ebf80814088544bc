/**
 * Conformance rows for the AI SDK (test/clients/): `ai` 6 and 7 with `@ai-sdk/anthropic` and
 * `@ai-sdk/openai` (chat and responses). Work in progress: no rows yet.
 */
import type { ConformanceRow } from './client.js';

/** The AI SDK rows of the matrix. */
export const aiSdkRows: readonly ConformanceRow[] = [];

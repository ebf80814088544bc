/**
 * The rows of the real-client conformance matrix (test/clients/conformance.test.ts): one
 * {@link ConformanceRow} per pinned client library and wire API.
 */
import { aiSdkRows } from './ai-sdk.js';
import type { ConformanceRow } from './client.js';
import { langchainRows } from './langchain.js';
import { officialSdkRows } from './official-sdks.js';

/** Every row, in the README matrix's order. */
export const conformanceRows: readonly ConformanceRow[] = [
  ...officialSdkRows,
  ...aiSdkRows,
  ...langchainRows,
];

/** The scenarios of the matrix (its columns), as `conformance.test.ts` names its cells. */
export type Scenario =
  | 'text'
  | 'streaming'
  | 'system'
  | 'multi-turn'
  | 'image'
  | 'tools'
  | 'tools streamed'
  | 'structured'
  | 'structured streamed'
  | 'bad request';

/**
 * Cells that fail inside the client library with any server (row name → scenario → why). They run
 * as `it.fails`, so the suite turns red when a client release fixes them and the entry can go.
 */
export const knownClientFailures: Readonly<Record<string, Partial<Record<Scenario, string>>>> = {
  '@langchain/anthropic 1.5 ChatAnthropic': {
    'structured streamed':
      '@langchain/core >= 1.1.46 no longer merges `input_json_delta` chunks into their tool_use block, so ' +
      'the streamed `extract` call parses as "" (langchain-ai/langchainjs#10907: "Failed to parse. Text: """)',
  },
  '@langchain/openai 1.5 ChatOpenAI (responses)': {
    'structured streamed':
      "with `useResponsesApi` every chunk's content is an array, which the JsonOutputParser of a " +
      'JSON-Schema `withStructuredOutput` refuses ("Cannot handle non-string output")',
  },
};

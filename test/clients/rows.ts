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

/** What each scenario's cell checks (the README's legend), in the matrix's column order. */
export const scenarioChecks: Readonly<Record<Scenario, string>> = {
  text: 'a non-streamed answer: its text and usage, the prompt at the API',
  streaming: "the client's streaming API: text deltas that add up to the answer, usage",
  system: "the client's system prompt reaches the API's `system`, not the messages",
  'multi-turn': 'earlier user and assistant turns reach the API as separate turns, in order',
  image: 'an inline base64 PNG reaches the API as an image block',
  tools: 'a client tool round trip: the call with its input, the result back to the model, the answer',
  'tools streamed': 'the same with both requests streamed',
  structured: "the client's structured-output helper returns the parsed document",
  'structured streamed': "the same through the client's streaming variant",
  'bad request':
    "an invalid model name: 400 as the client's documented error type (`BadRequestError`, the AI SDK's " +
    '`APICallError`), the message naming `model`, nothing sent to the API',
};

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

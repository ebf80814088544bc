/**
 * LangChain rows of the real-client conformance suite: `@langchain/anthropic` `ChatAnthropic` and
 * `@langchain/openai` `ChatOpenAI` (chat completions and the Responses API), used as LangChain's
 * documentation shows.
 */
import type { ConformanceClient, ConformanceRow } from './client.js';

function notYet(): never {
  throw new Error('not implemented yet');
}

function skeleton(): ConformanceClient {
  return {
    ask: () => notYet(),
    stream: () => notYet(),
    converse: () => notYet(),
    askWithImage: () => notYet(),
    toolRoundTrip: () => notYet(),
    structured: () => notYet(),
    badRequest: () => notYet(),
  };
}

export const langchainRows: ConformanceRow[] = [
  { name: '@langchain/anthropic 1.5 ChatAnthropic', api: 'anthropic', createClient: () => skeleton() },
  { name: '@langchain/openai 1.5 ChatOpenAI (chat)', api: 'openai-chat', createClient: () => skeleton() },
  {
    name: '@langchain/openai 1.5 ChatOpenAI (responses)',
    api: 'openai-responses',
    createClient: () => skeleton(),
  },
];

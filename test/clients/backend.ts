/**
 * The conformance suite's backend (test/clients/): the proxy (`createServer`) running the real Claude
 * Code CLI against the fake Messages API, set up once for the whole file by
 * {@link useConformanceBackend}, with {@link conformanceBehavior} as the fake's default, plus the
 * fixed inputs every scenario shares (the tool, the schema, the image).
 */
import { beforeEach } from 'vitest';
import { modelToolName } from '../../src/tools/client-tool.js';
import { useRealCliProxy, type RealCliProxy } from '../e2e/real-cli-proxy.js';
import type { FakeBehavior, RecordedRequest } from '../fixtures/fake-api.mjs';
import { CITY_SCHEMA, bodyOf, offeredTools, resultText, toolResultsOf } from '../tools/real-cli-helpers.js';
import type { ClientToolSpec } from './client.js';

/** The client tool of the tool round trips. */
export const WEATHER_TOOL: ClientToolSpec = {
  name: 'get_weather',
  description: 'Current weather for a city',
  schema: CITY_SCHEMA,
};

/** The call the fake API makes whenever {@link WEATHER_TOOL} is offered and not answered yet. */
export const WEATHER_CALL = { name: WEATHER_TOOL.name, input: { city: 'Oslo' } } as const;

/** The schema of the structured-output scenarios. */
export const CITY_DOC_SCHEMA: Record<string, unknown> = {
  type: 'object',
  properties: { city: { type: 'string' }, population: { type: 'integer' } },
  required: ['city', 'population'],
  additionalProperties: false,
};

/** The document the fake API answers the CLI's `StructuredOutput` tool with. */
export const CITY_DOC = { city: 'Paris', population: 2100000 } as const;

/** A 1×1 PNG, base64. */
export const PNG_BASE64 =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';

/**
 * The fake API's default for the suite: with the weather tool offered (under the name the CLI sees,
 * `modelToolName`) and no tool result in the last user message, a call `{city: 'Oslo'}`; after a
 * result, `Weather: <result texts>`; with a client tool taking the structured-output document
 * (see {@link documentTools}), a call with {@link CITY_DOC}; otherwise the echo (`You said: <last
 * user text>`). Text answers carry {@link CITY_DOC} for a request with the CLI's `StructuredOutput`
 * tool.
 */
export function conformanceBehavior(request: RecordedRequest): FakeBehavior {
  const results = toolResultsOf(request);
  if (results.length > 0) {
    return { kind: 'text', text: `Weather: ${results.map((r) => resultText(r)).join(' | ')}` };
  }
  if (offeredTools(request).includes(modelToolName(WEATHER_TOOL.name))) {
    return { kind: 'tool_use', name: modelToolName(WEATHER_CALL.name), input: { ...WEATHER_CALL.input } };
  }
  // A client tool for the document: called with it, as a model asked for that call would.
  const extractor = documentTools(request).find((name) => name !== 'StructuredOutput');
  if (extractor !== undefined) return { kind: 'tool_use', name: extractor, input: { ...CITY_DOC } };
  return { kind: 'text', structured: { ...CITY_DOC } };
}

/**
 * The tools of an API request whose input is {@link CITY_DOC_SCHEMA}'s document: the CLI's
 * `StructuredOutput` (`--json-schema`), or a client tool for structured output by a (forced) tool
 * call (LangChain `ChatAnthropic.withStructuredOutput`: a tool `extract`).
 */
export function documentTools(request: RecordedRequest | undefined): string[] {
  const wanted = JSON.stringify(Object.keys(CITY_DOC_SCHEMA['properties'] as Record<string, unknown>).sort());
  return (bodyOf(request).tools ?? [])
    .filter((t) => {
      const properties = (t.input_schema as { properties?: Record<string, unknown> } | undefined)?.properties;
      return JSON.stringify(Object.keys(properties ?? {}).sort()) === wanted;
    })
    .map((t) => t.name);
}

/**
 * The suite's backend: one proxy over the real CLI for the whole file (`useRealCliProxy`), the fake
 * API reset before each test and given {@link conformanceBehavior}.
 */
export function useConformanceBackend(): RealCliProxy {
  const backend = useRealCliProxy();
  beforeEach(() => backend.api.setDefault(conformanceBehavior));
  return backend;
}

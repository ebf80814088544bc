/**
 * Pieces every wire adapter needs (test/wire/apis.ts and the adapters beside it): the default
 * model, request normalisation, header reading, failure capture, tool-call arguments, and the
 * OpenAI SDK's error classes as neutral error kinds (shared by the chat and Responses rows).
 */
import OpenAI from 'openai';
import type { ErrorKind, WireError, WireRequest } from './apis.js';

/** The model every adapter asks for unless a request names one. */
export const DEFAULT_MODEL = 'claude-sonnet-5-5';

/** A plain prompt (or a request) with the scenario's system prompt applied. */
export function normalize(request: WireRequest | string, system?: string): WireRequest {
  const base = typeof request === 'string' ? { turns: [{ role: 'user' as const, text: request }] } : request;
  return system === undefined ? base : { ...base, system };
}

/** One header from a fetch `Headers` or a plain record (the SDKs expose both). */
export function headerOf(headers: unknown, name: string): string | null {
  if (headers === undefined || headers === null) return null;
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name);
  return (headers as Record<string, string | undefined>)[name] ?? null;
}

/**
 * What a request that should fail threw, or `undefined` if it succeeded. A stream is read to its
 * end, since its failure may come with the events.
 */
export async function failureOf(send: () => Promise<unknown>): Promise<unknown> {
  try {
    const result = await send();
    if (typeof (result as Partial<AsyncIterable<unknown>> | null)?.[Symbol.asyncIterator] === 'function') {
      for await (const event of result as AsyncIterable<unknown>) void event;
    }
  } catch (error) {
    return error;
  }
  return undefined;
}

/** A function call's arguments as the model wrote them (kept as text when they are not JSON). */
export function parseToolArguments(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return { unparseable: text };
  }
}

/** An error thrown by the `openai` client (either API), as a neutral {@link WireError}. */
export function describeOpenAIError(error: unknown): WireError {
  const kind: ErrorKind =
    error instanceof OpenAI.APIUserAbortError
      ? 'aborted'
      : error instanceof OpenAI.APIConnectionError
        ? 'connection'
        : error instanceof OpenAI.BadRequestError
          ? 'bad_request'
          : error instanceof OpenAI.AuthenticationError
            ? 'authentication'
            : error instanceof OpenAI.NotFoundError
              ? 'not_found'
              : error instanceof OpenAI.RateLimitError
                ? 'rate_limit'
                : error instanceof OpenAI.InternalServerError
                  ? 'server_error'
                  : error instanceof OpenAI.APIError
                    ? 'other_api_error'
                    : 'not_an_api_error';
  const apiError = error instanceof OpenAI.APIError ? error : undefined;
  return {
    kind,
    status: apiError?.status,
    type: apiError?.type ?? undefined,
    message: error instanceof Error ? error.message : String(error),
    retryAfter: headerOf(apiError?.headers, 'retry-after'),
  };
}

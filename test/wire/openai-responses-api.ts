/**
 * The OpenAI Responses API row of the wire contract (test/wire/apis.ts): the official `openai`
 * client's `responses.create`, sending the whole conversation as input items each time (the
 * stateless way; `previous_response_id` has its own tests in test/http/openai-responses.test.ts).
 */
import OpenAI from 'openai';
import type {
  Response,
  ResponseCreateParamsNonStreaming,
  ResponseInputItem,
} from 'openai/resources/responses/responses';
import type { Answer, ErrorKind, Stop, WireApi, WireRequest } from './apis.js';

const DEFAULT_MODEL = 'claude-sonnet-5-5';

function normalize(request: WireRequest | string, system?: string): WireRequest {
  const base = typeof request === 'string' ? { turns: [{ role: 'user' as const, text: request }] } : request;
  return system === undefined ? base : { ...base, system };
}

function toInput(request: WireRequest): ResponseInputItem[] {
  return request.turns.flatMap((turn): ResponseInputItem[] => {
    if (turn.role === 'user') {
      return [
        {
          role: 'user',
          content: [
            ...(turn.image === undefined
              ? []
              : [
                  {
                    type: 'input_image' as const,
                    detail: 'auto' as const,
                    image_url: `data:${turn.image.mediaType};base64,${turn.image.data}`,
                  },
                ]),
            { type: 'input_text' as const, text: turn.text },
          ],
        },
      ];
    }
    if (turn.role === 'assistant') {
      return [
        ...(turn.text === '' ? [] : [{ role: 'assistant' as const, content: turn.text }]),
        ...(turn.toolCalls ?? []).map((call): ResponseInputItem => ({
          type: 'function_call',
          call_id: call.id,
          name: call.name,
          arguments: JSON.stringify(call.input),
        })),
      ];
    }
    return turn.results.map((result): ResponseInputItem => ({
      type: 'function_call_output',
      call_id: result.callId,
      output: result.content,
    }));
  });
}

function params(request: WireRequest): ResponseCreateParamsNonStreaming {
  return {
    model: request.model ?? DEFAULT_MODEL,
    max_output_tokens: request.maxTokens ?? 256,
    input: toInput(request),
    ...(request.system === undefined ? {} : { instructions: request.system }),
    ...(request.tools === undefined
      ? {}
      : {
          tools: request.tools.map((t) => ({
            type: 'function' as const,
            name: t.name,
            description: t.description,
            parameters: t.schema,
            strict: false,
          })),
        }),
  };
}

function parseArguments(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return { unparseable: text };
  }
}

function toolCallsOf(response: Pick<Response, 'output'>): Answer['toolCalls'] {
  return response.output.flatMap((item) =>
    item.type === 'function_call'
      ? [{ id: item.call_id, name: item.name, input: parseArguments(item.arguments) }]
      : [],
  );
}

function stopOf(response: Pick<Response, 'output' | 'status'>): Stop {
  if (response.output.some((item) => item.type === 'function_call')) return 'tool_use';
  return response.status === 'completed' ? 'end' : (response.status ?? null);
}

function usageOf(response: Pick<Response, 'usage'>): Answer['usage'] {
  return response.usage === undefined
    ? undefined
    : { input: response.usage.input_tokens, output: response.usage.output_tokens };
}

function headerOf(headers: unknown, name: string): string | null {
  if (headers === undefined || headers === null) return null;
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name);
  return (headers as Record<string, string | undefined>)[name] ?? null;
}

/** The Responses API row. */
export const openaiResponses: WireApi = {
  name: 'OpenAI Responses (openai 6.x)',
  path: '/v1/responses',
  overloaded: { status: 503, type: 'server_error' },
  invalidRequestType: 'invalid_request_error',
  createClient(url) {
    const client = new OpenAI({ baseURL: `${url}/v1`, apiKey: 'unused', maxRetries: 0 });
    return {
      async ask(request, options = {}) {
        const { data, response } = await client.responses
          .create(params(normalize(request, options.system)))
          .withResponse();
        return {
          text: data.output_text,
          stop: stopOf(data),
          toolCalls: toolCallsOf(data),
          usage: usageOf(data),
          context: response.headers.get('x-claude-code-context'),
          sessionId: response.headers.get('x-claude-session-id'),
          model: data.model,
        };
      },
      async stream(request, options = {}) {
        const { data: stream, response } = await client.responses
          .create(
            { ...params(normalize(request)), stream: true },
            options.signal === undefined ? {} : { signal: options.signal },
          )
          .withResponse();
        const deltas: string[] = [];
        let final: Response | undefined;
        for await (const event of stream) {
          if (event.type === 'response.output_text.delta') {
            deltas.push(event.delta);
            options.onDelta?.(event.delta);
          } else if (event.type === 'response.completed' || event.type === 'response.incomplete') {
            final = event.response;
          }
        }
        // As the chat row: the openai client ends quietly when aborted; neutral: an abort throws.
        if (options.signal?.aborted === true) throw new OpenAI.APIUserAbortError();
        return {
          text: deltas.join(''),
          deltas,
          stop: final === undefined ? null : stopOf(final),
          toolCalls: final === undefined ? [] : toolCallsOf(final),
          usage: final === undefined ? undefined : usageOf(final),
          context: response.headers.get('x-claude-code-context'),
          sessionId: response.headers.get('x-claude-session-id'),
          model: final?.model,
        };
      },
      async sendInvalid(options = {}) {
        const invalid = { model: DEFAULT_MODEL, input: [] };
        try {
          if (options.stream === true) {
            const stream = await client.responses.create({ ...invalid, stream: true });
            for await (const event of stream) void event;
          } else {
            await client.responses.create(invalid);
          }
        } catch (error) {
          return error;
        }
        return undefined;
      },
    };
  },
  describeError(error) {
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
  },
};

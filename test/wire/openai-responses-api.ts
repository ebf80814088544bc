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
import {
  DEFAULT_MODEL,
  describeOpenAIError,
  failureOf,
  normalize,
  parseToolArguments,
} from './adapter-helpers.js';
import type { Answer, Stop, WireApi, WireRequest } from './apis.js';

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

function toolCallsOf(response: Pick<Response, 'output'>): Answer['toolCalls'] {
  return response.output.flatMap((item) =>
    item.type === 'function_call'
      ? [{ id: item.call_id, name: item.name, input: parseToolArguments(item.arguments) }]
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
      sendInvalid(options = {}) {
        const invalid = { model: DEFAULT_MODEL, input: [] };
        return failureOf(() =>
          options.stream === true
            ? client.responses.create({ ...invalid, stream: true })
            : client.responses.create(invalid),
        );
      },
    };
  },
  describeError: describeOpenAIError,
};

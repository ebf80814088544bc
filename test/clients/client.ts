/**
 * The real-client conformance suite's neutral view of one client library (test/clients/).
 * Each row of the matrix is one {@link ConformanceClient}: an adapter over an unmodified, pinned
 * client (`@anthropic-ai/sdk`, `openai`, the AI SDK, LangChain, ...) pointed at the proxy, which
 * runs the real Claude Code CLI against the fake Messages API. Adapters use each client the way its
 * documentation shows and translate results, never judge them: the scenarios in
 * `conformance.test.ts` decide what is right, checking both what the client got and what reached
 * the (fake) Messages API.
 */

/** A tool the caller offers and runs itself. */
export interface ClientToolSpec {
  readonly name: string;
  readonly description: string;
  /** JSON Schema of the input (an object schema). */
  readonly schema: Record<string, unknown>;
}

/** One tool call the model made, as the client reported it. */
export interface ClientToolCall {
  readonly name: string;
  readonly input: unknown;
}

/** One earlier turn of a conversation. */
export interface ClientTurn {
  readonly role: 'user' | 'assistant';
  readonly text: string;
}

/** Token usage as the client reports it (`undefined` when the client does not expose it). */
export interface ClientUsage {
  readonly input: number | undefined;
  readonly output: number | undefined;
}

/** A finished answer. */
export interface ClientAnswer {
  readonly text: string;
  readonly usage: ClientUsage | undefined;
}

/** A streamed answer: the text deltas in arrival order plus what they add up to. */
export interface ClientStreamed extends ClientAnswer {
  readonly deltas: readonly string[];
}

/** What a tool round trip produced. */
export interface ClientToolRoundTrip {
  /** The calls the model made on the first request. */
  readonly calls: readonly ClientToolCall[];
  /** The final answer after the client sent the tool results back. */
  readonly finalText: string;
}

/** What the client threw for a request the API must refuse. */
export interface ClientFailure {
  /** HTTP status the client reports (`undefined` if it hides it). */
  readonly status: number | undefined;
  readonly message: string;
  /** Class name of what it threw (`BadRequestError`, `APICallError`, `TypeError`, ...). */
  readonly errorType: string;
}

/** One client library, connected to a proxy. */
export interface ConformanceClient {
  /** A non-streamed question; `system` is the client's way of giving a system prompt. */
  ask(prompt: string, options?: { readonly system?: string }): Promise<ClientAnswer>;
  /** The same, streamed through the client's streaming API and read to the end. */
  stream(prompt: string, options?: { readonly system?: string }): Promise<ClientStreamed>;
  /** A conversation: earlier turns plus a new user prompt, non-streamed. */
  converse(history: readonly ClientTurn[], prompt: string): Promise<ClientAnswer>;
  /** A question with an inline PNG (base64), non-streamed. */
  askWithImage(prompt: string, pngBase64: string): Promise<ClientAnswer>;
  /**
   * A full client tool round trip: ask with `tool` offered, run every call with `run`, send the
   * results back, return the calls and the final text. `stream`: both requests streamed.
   */
  toolRoundTrip(
    prompt: string,
    tool: ClientToolSpec,
    run: (input: unknown) => string,
    options: { readonly stream: boolean },
  ): Promise<ClientToolRoundTrip>;
  /**
   * Structured output through the client's own helper (`generateObject`, `withStructuredOutput`,
   * `messages.parse`, `chat.completions.parse`, ...): the parsed document it returned.
   * `stream`: the client's streaming variant, where it has one.
   */
  structured(
    prompt: string,
    schema: Record<string, unknown>,
    options: { readonly stream: boolean },
  ): Promise<unknown>;
  /** A request the API must refuse: an invalid model name (`INVALID_MODEL`). */
  badRequest(): Promise<ClientFailure>;
}

/** One row of the matrix. */
export interface ConformanceRow {
  /** Row name as the README's matrix shows it, e.g. `ai 6 + @ai-sdk/anthropic 3.x`. */
  readonly name: string;
  /** Which wire API it speaks. */
  readonly api: 'anthropic' | 'openai-chat' | 'openai-responses';
  /** The client packages it runs, as `package.json` names them (aliases included: `ai-v7`). */
  readonly packages: readonly string[];
  /** The error class its documentation says a 400 raises (`BadRequestError`, `APICallError`). */
  readonly badRequestError: string;
  /** `baseUrl` is the proxy's origin, e.g. `http://127.0.0.1:4567` (add `/v1` where the client wants it). */
  createClient(baseUrl: string): ConformanceClient;
}

/** The HTTP status an error carries (`status`, the AI SDK's `statusCode`), if it is a number. */
function statusOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { status, statusCode } = error as { status?: unknown; statusCode?: unknown };
  const value = status ?? statusCode;
  return typeof value === 'number' ? value : undefined;
}

/**
 * What `send` threw, as a {@link ClientFailure} (throws if it succeeded). The status is the error's
 * own or, for wrappers such as LangChain's, its `cause`'s; the type is the thrown class's name.
 */
export async function failureOf(send: () => Promise<unknown>): Promise<ClientFailure> {
  try {
    await send();
  } catch (error) {
    const cause = error instanceof Error ? error.cause : undefined;
    return {
      status: statusOf(error) ?? statusOf(cause),
      message: error instanceof Error ? error.message : String(error),
      errorType:
        typeof error === 'object' && error !== null ? error.constructor.name : `a thrown ${typeof error}`,
    };
  }
  throw new Error('the request that had to fail succeeded');
}

/**
 * Type-level checks of the public API (run by the typechecker; the runtime part is trivial).
 */
import { describe, expectTypeOf, it } from 'vitest';
import type { ClaudeCodeWrapper } from '../src/index.js';
import {
  ClaudeCodeError,
  type ClaudeCodeResponse,
  type ClaudeEvent,
  type ClaudeRun,
  type ClaudeSession,
  type Prompt,
  type PromptBlock,
  type RunOptions,
} from '../src/index.js';

describe('public types', () => {
  it('ClaudeEvent is a discriminated union a caller can switch on exhaustively', () => {
    const label = (event: ClaudeEvent): string => {
      switch (event.type) {
        case 'message_start':
          return event.messageId ?? '';
        case 'tool_use_start':
          return event.name;
        case 'message_delta':
          return event.stopReason ?? '';
        case 'session_start':
          return event.sessionId;
        case 'text_delta':
          return event.text;
        case 'thinking_delta':
          return event.thinking;
        case 'tool_input_delta':
          return event.partialJson;
        case 'assistant_message':
          return event.text;
        case 'tool_use':
          return event.name;
        case 'tool_result':
          return event.toolUseId;
        case 'api_retry':
          return String(event.attempt);
        case 'result':
          return event.response.content;
        case 'system':
          return event.subtype;
        case 'unknown':
          return event.message.type;
        default: {
          const never: never = event;
          return never;
        }
      }
    };
    expectTypeOf(label).returns.toEqualTypeOf<string>();
  });

  it('the wrapper methods have the documented shapes', () => {
    expectTypeOf<ClaudeCodeWrapper['run']>().returns.toEqualTypeOf<Promise<ClaudeCodeResponse>>();
    expectTypeOf<ClaudeCodeWrapper['runStreaming']>().returns.toEqualTypeOf<ClaudeRun>();
    expectTypeOf<ClaudeCodeWrapper['session']>().returns.toEqualTypeOf<ClaudeSession>();
    expectTypeOf<ClaudeRun>().toMatchTypeOf<AsyncIterable<ClaudeEvent>>();
    expectTypeOf<ClaudeRun['result']>().toEqualTypeOf<Promise<ClaudeCodeResponse>>();
    expectTypeOf<ClaudeSession>().toMatchTypeOf<AsyncDisposable>();
    expectTypeOf<Prompt>().toEqualTypeOf<string | readonly PromptBlock[]>();
    expectTypeOf<RunOptions['signal']>().toEqualTypeOf<AbortSignal | undefined>();
    expectTypeOf<ClaudeCodeResponse['metrics']['costUsd']>().toEqualTypeOf<number>();
    expectTypeOf(ClaudeCodeError.isInstance).guards.toEqualTypeOf<ClaudeCodeError>();
  });
});

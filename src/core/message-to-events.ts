/**
 * @module
 * The one parser from CLI messages to public events. `result` lines are handled by the accumulator,
 * which needs the whole run to build the response.
 */
import { asRecord, numberField, stringField, type CliMessage } from './cli-message.js';
import type { AssistantContentBlock, ClaudeEvent } from './events.js';

/** Turn one non-result CLI message into zero or more events. Never throws. */
export function messageToEvents(message: CliMessage): ClaudeEvent[] {
  switch (message.type) {
    case 'system':
      return [systemToEvent(message)];
    case 'stream_event':
      return streamEventToEvents(message);
    case 'assistant':
      return assistantToEvents(message);
    case 'user':
      return userToEvents(message);
    // The control protocol and bookkeeping lines are not events for callers.
    case 'control_response':
    case 'control_request':
    case 'control_cancel_request':
      return [];
    default:
      return [{ type: 'unknown', message }];
  }
}

function systemToEvent(message: CliMessage): ClaudeEvent {
  if (message.subtype === 'init') {
    const tools = Array.isArray(message['tools']) ? message['tools'].filter(isString) : [];
    return {
      type: 'session_start',
      sessionId: message.session_id ?? '',
      model: stringField(message, 'model'),
      tools,
      cwd: stringField(message, 'cwd'),
      permissionMode: stringField(message, 'permissionMode'),
      cliVersion: stringField(message, 'claude_code_version'),
      message,
    };
  }
  if (message.subtype === 'api_retry') {
    const status = message['error_status'];
    return {
      type: 'api_retry',
      attempt: numberField(message, 'attempt'),
      maxRetries: numberField(message, 'max_retries'),
      delayMs: numberField(message, 'retry_delay_ms'),
      errorStatus: typeof status === 'number' ? status : undefined,
      error: stringField(message, 'error'),
      message,
    };
  }
  return { type: 'system', subtype: message.subtype ?? '', message };
}

function streamEventToEvents(message: CliMessage): ClaudeEvent[] {
  const event = asRecord(message['event']);
  switch (event?.['type']) {
    case 'message_start': {
      const body = asRecord(event['message']);
      const usage = asRecord(body?.['usage']);
      return [
        {
          type: 'message_start',
          messageId: stringField(message, 'api_message_id') ?? stringField(body, 'id'),
          model: stringField(body, 'model'),
          inputTokens: numberField(usage, 'input_tokens'),
          cacheReadInputTokens: numberField(usage, 'cache_read_input_tokens'),
          cacheCreationInputTokens: numberField(usage, 'cache_creation_input_tokens'),
          message,
        },
      ];
    }
    case 'content_block_start': {
      const block = asRecord(event['content_block']);
      if (block?.['type'] !== 'tool_use') return [];
      const id = stringField(block, 'id') ?? '';
      const name = stringField(block, 'name') ?? '';
      return [{ type: 'tool_use_start', id, name, index: numberField(event, 'index'), message }];
    }
    case 'message_delta': {
      const stopReason = stringField(asRecord(event['delta']), 'stop_reason') ?? null;
      const outputTokens = numberField(asRecord(event['usage']), 'output_tokens');
      return [{ type: 'message_delta', stopReason, outputTokens, message }];
    }
    case 'content_block_delta':
      return contentDeltaToEvents(event, message);
    default:
      return [];
  }
}

function contentDeltaToEvents(event: Record<string, unknown>, message: CliMessage): ClaudeEvent[] {
  const delta = asRecord(event['delta']);
  const index = numberField(event, 'index');
  switch (delta?.['type']) {
    case 'text_delta':
      return [{ type: 'text_delta', text: stringField(delta, 'text') ?? '', index, message }];
    case 'thinking_delta':
      return [{ type: 'thinking_delta', thinking: stringField(delta, 'thinking') ?? '', index, message }];
    case 'input_json_delta':
      return [
        { type: 'tool_input_delta', partialJson: stringField(delta, 'partial_json') ?? '', index, message },
      ];
    default:
      return [];
  }
}

function assistantToEvents(message: CliMessage): ClaudeEvent[] {
  const body = asRecord(message['message']);
  const content = Array.isArray(body?.['content'])
    ? (body['content'].filter((b) => asRecord(b) !== undefined) as AssistantContentBlock[])
    : [];
  const parentToolUseId = stringField(message, 'parent_tool_use_id') ?? null;
  const text = content
    .filter((b): b is { type: 'text'; text: string } => b.type === 'text' && typeof b['text'] === 'string')
    .map((b) => b.text)
    .join('');
  const events: ClaudeEvent[] = [
    {
      type: 'assistant_message',
      content,
      text,
      isApiError: message['is_api_error_message'] === true || body?.['model'] === '<synthetic>',
      parentToolUseId,
      message,
    },
  ];
  for (const block of content) {
    if (block.type === 'tool_use') {
      const b = block as Record<string, unknown>;
      events.push({
        type: 'tool_use',
        id: stringField(b, 'id') ?? '',
        name: stringField(b, 'name') ?? '',
        input: b['input'],
        parentToolUseId,
        message,
      });
    }
  }
  return events;
}

function userToEvents(message: CliMessage): ClaudeEvent[] {
  const content = asRecord(message['message'])?.['content'];
  if (!Array.isArray(content)) return [];
  const events: ClaudeEvent[] = [];
  for (const raw of content) {
    const block = asRecord(raw);
    if (block?.['type'] !== 'tool_result') continue;
    events.push({
      type: 'tool_result',
      toolUseId: stringField(block, 'tool_use_id') ?? '',
      content: block['content'],
      isError: block['is_error'] === true,
      message,
    });
  }
  return events;
}

function isString(value: unknown): value is string {
  return typeof value === 'string';
}

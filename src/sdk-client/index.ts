/**
 * @module
 * `ClaudeCodeAnthropic`: the Anthropic-SDK-shaped client. It sits on the gateway exactly like the
 * HTTP routes do (a caller of `src/gateway/`, translating with `src/compat/anthropic/`), only
 * in-process. Re-exports only.
 */
export { ClaudeCodeAnthropic, type ClaudeCodeAnthropicOptions } from './client.js';
export { ClaudeCodeMessages, type ClaudeCodeRequestOptions } from './messages-resource.js';
export { ClaudeCodeModels, type ModelInfoPage, type ModelInfoPagePromise } from './models-resource.js';
export { ClaudeCodeMessageStream, type MessageStreamEvents } from './message-stream.js';
export { AnthropicEventStream } from './event-stream.js';

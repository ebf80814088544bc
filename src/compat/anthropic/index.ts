/**
 * @module
 * The Anthropic-Messages-API-compatible layer: the service behind `POST /v1/messages`, the
 * `ClaudeCodeAnthropic` client, and the pure translation pieces. Re-exports only.
 */
export { ClaudeCodeAnthropic, type ClaudeCodeAnthropicOptions } from './client.js';
export { ClaudeCodeMessages, type ClaudeCodeRequestOptions } from './messages-resource.js';
export { ClaudeCodeModels, type ModelInfoPage, type ModelInfoPagePromise } from './models-resource.js';
export { ClaudeCodeMessageStream, type MessageStreamEvents } from './message-stream.js';
export { AnthropicEventStream } from './event-stream.js';
export {
  AnthropicMessagesService,
  type AnthropicMessagesServiceOptions,
  type MessagesStreamResult,
  type ResultMeta,
  type StreamStart,
} from './messages-service.js';
export {
  AnthropicApiError,
  toAnthropicError,
  toAnthropicApiError,
  type AnthropicErrorBody,
  type AnthropicErrorResponse,
  type AnthropicErrorType,
} from './errors.js';
export {
  messagesRequestSchema,
  countTokensRequestSchema,
  parseMessagesRequest,
  parseCountTokensRequest,
  type MessagesRequest,
  type CountTokensRequest,
  type RequestMessage,
  type RequestContentBlock,
  type ParsedRequest,
} from './request-schema.js';
export { translateRequest, type TranslateOptions, type TranslatedRequest } from './translate-request.js';
export { findUnsupportedParams, type UnsupportedParam } from './unsupported-params.js';
export {
  resolveCliModel,
  listModels,
  findModel,
  MODEL_FAMILY_ALIASES,
  type ModelAliasOptions,
} from './model-aliases.js';
export { planConversation, rememberAnswer, type ContextMode, type ConversationPlan } from './conversation.js';
export { conversationKey, canonicalJson, type ConversationKeyInput } from './conversation-key.js';
export { buildContextForUnknownHistory } from './flatten-history.js';
export { responseToMessage, createMessage, toUsage, toStopReason, generateMessageId } from './to-message.js';
export { toStreamEvents, type StreamEventsOptions, type StreamOutcome } from './to-stream-events.js';
export { accumulateEvent, collectMessage } from './message-accumulator.js';
export { encodeSse, encodeSseError, encodeSsePing, type SseEvent } from './sse.js';
export {
  findStopSequence,
  applyStopSequences,
  StopSequenceScanner,
  type StopMatch,
} from './stop-sequences.js';
export { estimateInputTokens } from './count-tokens.js';
export { planClientTools, toolChoiceInstruction, type ClientToolPlan } from './client-tools.js';
export { readToolResults, resultsForDelivery, type ToolResultsTurn } from './tool-results.js';
export { claimToolRun, toolRunsFor, type ExpiredToolResultsPolicy, type ToolRun } from './tool-runs.js';

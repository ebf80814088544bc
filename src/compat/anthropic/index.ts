/**
 * @module
 * The Anthropic Messages API as pure translation: request validation and translation to run
 * options, CLI events → stream events, the fold to a `Message`, SSE frames, error bodies. No state:
 * the request lifecycle is `src/gateway/`, the SDK-shaped client `src/sdk-client/`. Re-exports only.
 */
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
export { listModels, findModel, MODEL_FAMILY_ALIASES } from './model-aliases.js';
export { createMessage, textBlock, toUsage, toStopReason, generateMessageId } from './to-message.js';
export { accumulateEvent, collectMessage } from './message-accumulator.js';
export { encodeSse, encodeSseError, encodeSsePing, type SseEvent } from './sse.js';
export { findStopSequence, StopSequenceScanner, type StopMatch } from './stop-sequences.js';
export { estimateInputTokens } from './count-tokens.js';
export { planClientTools, toolChoiceInstruction, type ClientToolPlan } from './client-tools.js';
export { readToolResults, resultsForDelivery, type ToolResultsTurn } from './tool-results.js';

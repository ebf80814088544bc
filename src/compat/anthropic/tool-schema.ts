/**
 * @module
 * The `tools` and `tool_choice` fields of a Messages request: their schemas, shared by
 * `request-schema.ts` (the whole body) and `client-tools.ts` (what the tools ask of the run).
 */
import { z } from 'zod';

const disableParallel = { disable_parallel_tool_use: z.boolean().optional() };

/** Schema of `tool_choice`. */
export const toolChoiceSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('auto'), ...disableParallel }).loose(),
  z.object({ type: z.literal('any'), ...disableParallel }).loose(),
  z.object({ type: z.literal('tool'), name: z.string(), ...disableParallel }).loose(),
  z.object({ type: z.literal('none') }).loose(),
]);

// Custom tools carry `input_schema`; Anthropic-defined and server tools carry a versioned `type`
// instead. Which combinations are usable is decided by the translation (`client-tools.ts`).
/** Schema of one entry of `tools`. */
export const toolSchema = z
  .object({
    name: z.string().min(1),
    type: z.string().nullable().optional(),
    description: z.string().optional(),
    input_schema: z.record(z.string(), z.unknown()).optional(),
  })
  .loose();

/** One validated entry of `tools`. */
export type RequestTool = z.infer<typeof toolSchema>;
/** A validated `tool_choice`. */
export type RequestToolChoice = z.infer<typeof toolChoiceSchema>;

/**
 * @module
 * `server.keys`: API keys with a name and limits of their own (requests per minute, runs at once,
 * spend per UTC day and month), beside the flat `apiKeys` list. A key is given in the file (`key`)
 * or, better, named by the environment variable that holds it (`keyEnv`, read when the options are
 * parsed, so `config validate` reports a missing one). The key itself is never shown: messages,
 * `/v1/usage` and logs use the entry's `name`, storage the key's fingerprint.
 */
import { z } from 'zod';

/** Minimum length of an API key (the flat `apiKeys` list has the same). */
export const MIN_KEY_LENGTH = 8;

const KEY_TOO_SHORT = `API keys must be at least ${MIN_KEY_LENGTH} characters`;

const keyEntryFields = z
  .object({
    /** Shown in limit messages, `/v1/usage` and logs instead of the key. Letters, digits, `_.@-`, up to 64. */
    name: z
      .string()
      .regex(/^[A-Za-z0-9][\w.@-]{0,63}$/, 'a name of letters, digits and _.@- (up to 64, no spaces)'),
    /** The key itself. Prefer `keyEnv`, so the config file holds no secret. */
    key: z.string().min(MIN_KEY_LENGTH, KEY_TOO_SHORT).optional(),
    /** Environment variable holding the key (read when the configuration is loaded). */
    keyEnv: z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name')
      .optional(),
    /** Requests per minute (UTC calendar minute) for this key; 0 = no limit. @default the server's `requestsPerMinute` */
    requestsPerMinute: z.number().int().nonnegative().optional(),
    /** Requests of this key running at once (from admission to the end of the answer); 0 = no limit. @default 0 */
    maxConcurrent: z.number().int().nonnegative().default(0),
    /** Spend per UTC day; a run that starts under it finishes, the next one is refused until midnight UTC. @unit USD @default no limit */
    dailyUsd: z.number().positive().optional(),
    /** Spend per UTC calendar month, as `dailyUsd`. @unit USD @default no limit */
    monthlyUsd: z.number().positive().optional(),
  })
  .strict();

/** One entry of `server.keys`, as written (exactly one of `key` and `keyEnv`). */
export const keyEntrySchema = keyEntryFields.transform((entry, ctx) => {
  if ((entry.key === undefined) === (entry.keyEnv === undefined)) {
    ctx.addIssue({ code: 'custom', path: ['key'], message: 'give exactly one of key and keyEnv' });
    return z.NEVER;
  }
  const key = entry.key ?? process.env[entry.keyEnv ?? '']?.trim();
  if (!key) {
    ctx.addIssue({
      code: 'custom',
      path: ['keyEnv'],
      message: `environment variable ${entry.keyEnv ?? ''} is not set`,
    });
    return z.NEVER;
  }
  if (key.length < MIN_KEY_LENGTH) {
    ctx.addIssue({
      code: 'custom',
      path: ['keyEnv'],
      message: `${KEY_TOO_SHORT} (environment variable ${entry.keyEnv ?? ''})`,
    });
    return z.NEVER;
  }
  return { ...entry, key };
});

/** `server.keys`: names and keys unique. */
export const keyEntriesSchema = z
  .array(keyEntrySchema)
  .default([])
  .superRefine((entries, ctx) => {
    const names = new Map<string, number>();
    const keys = new Map<string, number>();
    entries.forEach((entry, index) => {
      const sameName = names.get(entry.name);
      if (sameName !== undefined) {
        ctx.addIssue({ code: 'custom', path: [index, 'name'], message: `the name of keys[${sameName}] too` });
      }
      const sameKey = keys.get(entry.key);
      // The path names the entry, never the key (the error message would echo it).
      if (sameKey !== undefined) {
        ctx.addIssue({ code: 'custom', path: [index, 'name'], message: `the same key as keys[${sameKey}]` });
      }
      names.set(entry.name, index);
      keys.set(entry.key, index);
    });
  });

/** A parsed entry of `server.keys` (its `key` resolved from `keyEnv` when given that way). */
export type KeyEntry = z.infer<typeof keyEntrySchema>;

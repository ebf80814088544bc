/**
 * @module
 * What the replicas of a proxy share through the server's one `redisUrl`, beyond the conversation
 * map, the response cache and the per-key usage (each opened where it is used): the CLI session
 * transcripts (a conversation continues on any replica as a resumed session), the stored Responses
 * API responses (`previous_response_id` on any replica), and the channel on which a replica tells
 * the others about a client tool run or a conversation it took over (`replica-notices.ts`).
 */
import type { StorePurpose } from '../core/errors/index.js';
import type { KeyValueStore } from '../storage/key-value-store.js';
import { RedisChannel } from '../storage/redis-channel.js';
import { RedisKeyValueStore } from '../storage/redis-store.js';
import { SharedTranscripts } from '../session/shared-transcripts.js';

/** See the module comment. */
export interface ReplicaState {
  readonly transcripts: SharedTranscripts;
  /** Response id → its conversation (JSON), for `previous_response_id`. */
  readonly responses: KeyValueStore;
  /** Notices about tool runs and conversations another replica took over (see `replica-notices.ts`). */
  readonly notices: RedisChannel;
  /** Close every connection. */
  close(): Promise<void>;
}

/** Options of {@link openReplicaState}. */
export interface ReplicaStateOptions {
  /**
   * Hears about failures, for the server's log: the first of each Redis outage per purpose, and
   * transcripts that could not be stored or restored. The errors name the Redis URL (password
   * redacted) or files: never send them to callers.
   */
  readonly onError?: ((error: unknown, purpose: StorePurpose, operation: string) => void) | undefined;
}

/** Open the shared state on `redisUrl` (connections are made on first use). */
export function openReplicaState(redisUrl: string, { onError }: ReplicaStateOptions = {}): ReplicaState {
  const report =
    (purpose: StorePurpose) =>
    (error: unknown, operation: string): void =>
      onError?.(error, purpose, operation);
  const transcripts = new SharedTranscripts(
    new RedisKeyValueStore(redisUrl, 'ccw:transcript:', {
      purpose: 'shared transcripts',
      onOutage: report('shared transcripts'),
    }),
    { onError: report('shared transcripts') },
  );
  const responses = new RedisKeyValueStore(redisUrl, 'ccw:response:', {
    purpose: 'stored responses',
    onOutage: report('stored responses'),
  });
  const notices = new RedisChannel(redisUrl, 'ccw:replica-notices', {
    purpose: 'replica notices',
    onOutage: report('replica notices'),
  });
  return {
    transcripts,
    responses,
    notices,
    async close() {
      await Promise.all([transcripts.close(), responses.close(), notices.close()]);
    },
  };
}

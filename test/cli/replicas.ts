/**
 * Replicas of the proxy for the tests: built `serve` processes sharing one Redis
 * (`CLAUDE_WRAPPER_REDIS_URL`), each with a HOME of its own (as separate machines have: the CLI
 * keeps its session transcripts there), all running the fake `claude` with transcripts on
 * (`FAKE_CLAUDE_TRANSCRIPTS=1`: an unknown session fails as with the real CLI, and each run records
 * what the model is sent).
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listening, type CliHarness } from './helpers.js';

/** One `serve` process. */
export interface Replica {
  readonly name: string;
  readonly url: string;
  readonly child: ChildProcess;
  /** Its log so far (warn and above). */
  stderr(): string;
}

/** What a request got back. */
export interface Answer {
  readonly status: number;
  /** `x-claude-code-context`. */
  readonly context: string | null;
  readonly warnings: string | null;
  readonly body: Record<string, unknown>;
}

/** Replicas started by {@link startReplica}, for {@link stopReplicas}. */
const started: { child: ChildProcess; home: string }[] = [];

/**
 * Start `serve` as replica `name` on `redisUrl`, with `server` settings on top of port 0 and no warm
 * pool (the default 5-minute tool result deadline) and `wrapper` settings (the config file's top
 * level); resolves once it listens.
 */
export async function startReplica(
  h: CliHarness,
  name: string,
  redisUrl: string,
  server: Record<string, unknown> = {},
  wrapper: Record<string, unknown> = {},
): Promise<Replica> {
  const home = mkdtempSync(join(tmpdir(), `replica-${name}-`));
  const config = join(home, 'proxy.json');
  writeFileSync(config, JSON.stringify({ ...wrapper, server: { port: 0, warmPoolSize: 0, ...server } }));
  const child = h.spawn(['serve', '--config', config], {
    env: {
      HOME: home,
      CLAUDE_LOG_LEVEL: 'warn',
      CLAUDE_WRAPPER_REDIS_URL: redisUrl,
      FAKE_CLAUDE_TRANSCRIPTS: '1',
    },
    cwd: home,
  });
  started.push({ child, home });
  const { url, stderr } = await listening(child, `replica ${name}`);
  return { name, url, child, stderr };
}

/** Stop every replica still running (SIGTERM) and remove their HOMEs. */
export async function stopReplicas(): Promise<void> {
  await Promise.all(
    started.splice(0).map(async ({ child, home }) => {
      if (child.exitCode === null && child.signalCode === null) {
        await new Promise<void>((resolve) => {
          child.once('exit', () => resolve());
          child.kill('SIGTERM');
        });
      }
      rmSync(home, { recursive: true, force: true });
    }),
  );
}

/** POST `body` as JSON to `path` of `replica`. */
export async function post(replica: Replica, path: string, body: unknown): Promise<Answer> {
  const response = await fetch(`${replica.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(text) as Record<string, unknown>;
  } catch {
    parsed = { raw: text };
  }
  return {
    status: response.status,
    context: response.headers.get('x-claude-code-context'),
    warnings: response.headers.get('x-claude-code-warnings'),
    body: parsed,
  };
}

/** Round robin over `replicas`, skipping the ones that are gone, as a load balancer would. */
export function roundRobin(replicas: readonly Replica[]): () => Replica {
  let next = 0;
  return () => {
    for (let tries = 0; tries < replicas.length; tries += 1) {
      const replica = replicas[next++ % replicas.length]!;
      if (replica.child.exitCode === null && replica.child.signalCode === null) return replica;
    }
    throw new Error('no replica left');
  };
}

/** The text of the content blocks of a Messages answer (or of a model input message). */
export function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((block: { type?: string; text?: string; content?: unknown }) =>
      block.type === 'text'
        ? (block.text ?? '')
        : block.type === 'tool_result'
          ? `[result] ${textOf(block.content)}`
          : '',
    )
    .join('');
}

/**
 * The Claude Code CLI's row of the README's conformance matrix, declared by hand: Claude Code is
 * not a `ConformanceRow` (it is a program, driven by `claude-code.test.ts` with its own
 * scenarios), so each cell names the tests of that file behind it, or says why it does not apply.
 * `matrix.test.ts` checks that every named test exists there as a plain `it` and every known
 * problem as an `it.fails`, so this table cannot claim a test that is not there.
 */
import type { Scenario } from './rows.js';

/** A cell of the row: the tests that cover it (with an optional note on how), or why it is n/a. */
export type DeclaredCell =
  { readonly tests: readonly string[]; readonly note?: string } | { readonly notApplicable: string };

/** A known problem, pinned as an `it.fails` test in `claude-code.test.ts`, shown on its cell. */
export interface KnownProblem {
  readonly test: string;
  readonly scenario: Scenario;
  readonly problem: string;
}

/** The Claude Code row as the matrix shows it. */
export interface DeclaredRow {
  readonly name: string;
  readonly packages: readonly string[];
  readonly cells: Readonly<Record<Scenario, DeclaredCell>>;
  readonly knownProblems: readonly KnownProblem[];
}

const DEFAULT_MODEL = 'answers a prompt on its default model (trailing system message)';
const SONNET = 'answers a prompt on claude-sonnet-5-5 with its --append-system-prompt';

/** Claude Code streams every request, so the non-streamed columns have nothing to run. */
const ALWAYS_STREAMED: DeclaredCell = {
  notApplicable:
    'Claude Code sends every request with `stream: true` (whatever `--output-format` says); its runs ' +
    'are counted in the streamed columns',
};

/** The Claude Code CLI (`claude -p` pointed at the proxy with `ANTHROPIC_BASE_URL`). */
export const claudeCodeRow: DeclaredRow = {
  name: 'Claude Code CLI (`claude -p`)',
  packages: ['@anthropic-ai/claude-code'],
  cells: {
    text: ALWAYS_STREAMED,
    streaming: { tests: [DEFAULT_MODEL, SONNET, 'streams text deltas'] },
    system: {
      tests: [DEFAULT_MODEL, SONNET],
      note: 'its own system prompt (on its default model a trailing `role: "system"` message) and `--append-system-prompt`',
    },
    'multi-turn': {
      tests: [
        'continues its last conversation with --continue',
        'continues after that tool round trip with --continue',
      ],
    },
    image: {
      tests: ['runs Read on an image and the picture reaches the model'],
      note: 'a PNG read by its own `Read` tool: the image reaches the model as a tool result',
    },
    tools: ALWAYS_STREAMED,
    'tools streamed': {
      tests: [
        'runs its own Read tool on a call that came through the proxy',
        'counts each upstream request’s input tokens once across a tool round trip',
      ],
      note: 'its own `Read`, called through the proxy and run by Claude Code itself',
    },
    structured: ALWAYS_STREAMED,
    'structured streamed': {
      tests: [
        'returns structured output with --json-schema',
        'leaves no proxy-side CLI waiting after a --json-schema answer',
      ],
    },
    'bad request': { tests: ['reports the proxy’s 400 for an invalid model name'] },
  },
  knownProblems: [],
};

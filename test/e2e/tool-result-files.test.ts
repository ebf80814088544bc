/**
 * What a client tool's image result leaves on the server's disk, with the real CLI: the CLI saves
 * each image of an MCP tool result next to the session (`<session>/tool-results/mcp-…-blob-…`),
 * although its transcript holds the image inline. The proxy removes those files once the run has
 * answered, and the conversation still resumes with the image.
 */
import type Anthropic from '@anthropic-ai/sdk';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PNG_BASE64 } from '../clients/backend.js';
import type { RecordedRequest } from '../fixtures/fake-api.mjs';
import { useRealCliProxy } from './real-cli-proxy.js';

const setup = useRealCliProxy();

async function filesUnder(dir: string, out: string[] = []): Promise<string[]> {
  for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) await filesUnder(path, out);
    else out.push(path);
  }
  return out;
}

async function eventually(check: () => Promise<boolean>, timeoutMs = 5000): Promise<boolean> {
  for (const started = Date.now(); Date.now() - started < timeoutMs;) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return check();
}

const tools: Anthropic.Tool[] = [
  { name: 'screenshot', description: 'Take a screenshot', input_schema: { type: 'object', properties: {} } },
];

function lastUserContent(request: RecordedRequest): unknown {
  const messages = (request.body as { messages: { role: string; content: unknown }[] }).messages;
  return messages.filter((m) => m.role === 'user').at(-1)?.content;
}

describe('client tool image results on disk', { timeout: 60_000 }, () => {
  it('removes the image files the CLI saved once the run answered; the session still resumes with the image', async () => {
    setup.api.setDefault((request) => {
      const content = JSON.stringify(lastUserContent(request));
      if (content.includes('tool_result')) return { kind: 'text', text: 'a dot' };
      if (content.includes('and now?')) return { kind: 'text', text: 'still a dot' };
      return { kind: 'tool_use', name: 'screenshot', input: {} };
    });
    const client = setup.anthropic();
    const params = { model: 'claude-sonnet-5-5', max_tokens: 100, tools };
    const question: Anthropic.MessageParam = { role: 'user', content: 'what is on screen?' };
    const first = await client.messages.create({ ...params, messages: [question] });
    const call = first.content.find((b): b is Anthropic.ToolUseBlock => b.type === 'tool_use');
    const image = { type: 'base64' as const, media_type: 'image/png' as const, data: PNG_BASE64 };
    const history: Anthropic.MessageParam[] = [
      question,
      { role: 'assistant', content: first.content },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: call?.id ?? '', content: [{ type: 'image', source: image }] },
        ],
      },
    ];
    const second = await client.messages.create({ ...params, messages: history });
    expect(second.content).toEqual([{ type: 'text', text: 'a dot' }]);

    const projects = join(setup.cli.home, '.claude', 'projects');
    const blobs = async () => (await filesUnder(projects)).filter((f) => f.includes('-blob-'));
    // The CLI did save the image (else this test proves nothing), and it is gone after the answer.
    expect(await eventually(async () => (await blobs()).length === 0)).toBe(true);
    const transcripts = (await filesUnder(projects)).filter((f) => f.endsWith('.jsonl'));
    expect(transcripts).toHaveLength(1);

    // The next turn goes on with that session (resumed from its transcript by a new CLI, or in the
    // process kept for it): the image is still in the context.
    const third = await client.messages
      .create({
        ...params,
        messages: [
          ...history,
          { role: 'assistant', content: second.content },
          { role: 'user', content: 'and now?' },
        ],
      })
      .withResponse();
    expect(['resumed', 'continued']).toContain(third.response.headers.get('x-claude-code-context'));
    expect(third.data.content).toEqual([{ type: 'text', text: 'still a dot' }]);
    const resumed = setup.api.messageRequests().at(-1);
    expect(JSON.stringify(resumed?.body)).toContain(PNG_BASE64);
  });
});

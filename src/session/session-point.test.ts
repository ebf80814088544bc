import { describe, expect, it } from 'vitest';
import { decodeSessionPoint, encodeSessionPoint, lastAssistantUuid } from './session-point.js';

const S = '6f1c1a52-3c1e-4d7b-9a43-0f9a8c1b2d3e';
const U = '0b7c1a52-3c1e-4d7b-9a43-0f9a8c1b2d3e';

describe('session points', () => {
  it('round-trip with and without the message', () => {
    expect(decodeSessionPoint(encodeSessionPoint({ sessionId: S, atMessage: U }))).toEqual({
      sessionId: S,
      atMessage: U,
    });
    expect(encodeSessionPoint({ sessionId: S })).toBe(S);
    // Entries written before message uuids were stored are plain session ids.
    expect(decodeSessionPoint(S)).toEqual({ sessionId: S });
  });

  it('read anything else as a session id, left to the usual session id validation', () => {
    expect(decodeSessionPoint(`${S}@not-a-uuid`)).toEqual({ sessionId: `${S}@not-a-uuid` });
    expect(decodeSessionPoint(`@${U}`)).toEqual({ sessionId: `@${U}` });
  });

  it('find the last assistant message of a run', () => {
    const messages = [
      { type: 'system', uuid: S },
      { type: 'assistant', uuid: U },
      { type: 'assistant', uuid: S },
      { type: 'result', uuid: U },
    ];
    expect(lastAssistantUuid(messages)).toBe(S);
    const notUuid = [{ type: 'assistant', uuid: 'x' }];
    expect(lastAssistantUuid(notUuid)).toBeUndefined();
    expect(lastAssistantUuid([])).toBeUndefined();
  });
});

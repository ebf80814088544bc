import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findStopSequence, StopSequenceScanner } from '../../src/compat/anthropic/index.js';

/** The whole text cut before its first stop sequence (what streaming must agree with). */
function cutWhole(text: string, stops: readonly string[]) {
  const match = findStopSequence(text, stops);
  return match
    ? { text: text.slice(0, match.index), stopSequence: match.sequence }
    : { text, stopSequence: null };
}

function streamThrough(deltas: readonly string[], stops: readonly string[]) {
  const scanner = new StopSequenceScanner(stops);
  const released: string[] = [];
  for (const delta of deltas) {
    const { text, stopSequence } = scanner.push(delta);
    released.push(text);
    if (stopSequence !== null) return { text: released.join(''), stopSequence, released };
  }
  released.push(scanner.flush());
  return { text: released.join(''), stopSequence: null, released };
}

describe('findStopSequence', () => {
  it('cuts before the first stop sequence and reports it', () => {
    expect(findStopSequence('Hello END world END', ['END'])).toEqual({ index: 6, sequence: 'END' });
    expect(findStopSequence('no stop here', ['END'])).toBeUndefined();
  });

  it('picks the sequence that ends first, the longer one on a tie', () => {
    expect(findStopSequence('abcd', ['abcd', 'c'])).toEqual({ index: 2, sequence: 'c' });
    expect(findStopSequence('xab', ['b', 'ab'])).toEqual({ index: 1, sequence: 'ab' });
  });
});

describe('StopSequenceScanner', () => {
  it('finds a stop sequence split across deltas and never releases text after it', () => {
    const result = streamThrough(['Hello wor', 'ld\n\nHu', 'man: more'], ['\n\nHuman:']);
    expect(result).toMatchObject({ text: 'Hello world', stopSequence: '\n\nHuman:' });
    expect(result.released.join('')).not.toContain('\n');
  });

  it('holds back only a tail that could start a stop sequence', () => {
    const scanner = new StopSequenceScanner(['STOP']);
    expect(scanner.push('abcdefgh').text).toBe('abcdefgh');
    expect(scanner.push('xxST').text).toBe('xx');
    expect(scanner.push('O').text).toBe('');
    expect(scanner.push('x').text).toBe('STOx');
    expect(scanner.push('S').text).toBe('');
    expect(scanner.flush()).toBe('S');
  });

  it('passes text through untouched without stop sequences', () => {
    expect(streamThrough(['a', 'b'], []).released).toEqual(['a', 'b', '']);
  });

  it('agrees with the non-streaming cut for any chunking (property)', () => {
    const alphabet = fc.constantFrom('a', 'b', 'c', 'X', 'Y');
    fc.assert(
      fc.property(
        fc.array(fc.string({ unit: alphabet, maxLength: 6 }), { maxLength: 12 }),
        fc.array(fc.string({ unit: alphabet, minLength: 1, maxLength: 4 }), { maxLength: 3 }),
        (deltas, stops) => {
          const whole = cutWhole(deltas.join(''), stops);
          const streamed = streamThrough(deltas, stops);
          expect(streamed.text).toBe(whole.text);
          expect(streamed.stopSequence).toBe(whole.stopSequence);
        },
      ),
    );
  });
});

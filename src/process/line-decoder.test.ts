import { describe, expect, it } from 'vitest';
import { LineDecoder } from './line-decoder.js';

describe('LineDecoder', () => {
  it('joins lines split across chunks and handles CRLF', () => {
    const d = new LineDecoder();
    expect(d.write('{"a":')).toEqual([]);
    expect(d.write('1}\r\n{"b"')).toEqual(['{"a":1}']);
    expect(d.write(':2}\n\n')).toEqual(['{"b":2}']);
    expect(d.end()).toEqual([]);
  });

  it('reassembles a multi-byte character split between chunks', () => {
    const bytes = Buffer.from('{"t":"héllo ✓"}\n', 'utf8');
    const d = new LineDecoder();
    const out: string[] = [];
    for (let i = 0; i < bytes.length; i += 3) out.push(...d.write(bytes.subarray(i, i + 3)));
    expect(out).toEqual(['{"t":"héllo ✓"}']);
  });

  it('flushes a trailing line without a newline at end', () => {
    const d = new LineDecoder();
    expect(d.write('partial')).toEqual([]);
    expect(d.end()).toEqual(['partial']);
  });

  it('accepts a line of several megabytes', () => {
    const big = 'x'.repeat(5_000_000);
    const d = new LineDecoder();
    const out: string[] = [];
    for (let i = 0; i < big.length; i += 65_536) out.push(...d.write(big.slice(i, i + 65_536)));
    out.push(...d.write('\n'));
    expect(out).toHaveLength(1);
    expect(out[0]).toHaveLength(5_000_000);
  });

  it('rejects a line over the limit instead of growing without bound', () => {
    const d = new LineDecoder({ maxLineLength: 10 });
    expect(() => d.write('01234567890123')).toThrow(RangeError);
  });
});

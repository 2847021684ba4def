import { describe, expect, it } from 'vitest';
import { crc32c } from '../../src/log/crc32c.js';

describe('crc32c', () => {
  it('matches the published check values', () => {
    // RFC 3720 B.4 and the standard "123456789" check value
    expect(crc32c(Buffer.from('123456789'))).toBe(0xe3069283);
    expect(crc32c(new Uint8Array(32))).toBe(0x8a9136aa);
    expect(crc32c(new Uint8Array(32).fill(0xff))).toBe(0x62a8ab43);
    expect(crc32c(Uint8Array.from({ length: 32 }, (_, i) => i))).toBe(0x46dd794e);
  });

  it('covers sub-ranges the same as copies', () => {
    const buf = Buffer.from('xx123456789yy');
    expect(crc32c(buf, 2, 11)).toBe(crc32c(Buffer.from('123456789')));
  });
});

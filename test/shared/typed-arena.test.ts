import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ModelError } from '../../src/shared/errors.js';
import { TypedArena } from '../../src/shared/typed-arena.js';

describe('TypedArena', () => {
  it('carves zeroed arrays of the lengths asked that do not overlap, in any order of widths', () => {
    const a = new TypedArena({ f64: 3, i32: 5, i16: 3, i8: 7 });
    const bytes = a.u8(3);
    const halves = a.i16(3);
    const words = a.i32(2);
    const doubles = a.f64(3);
    const unsigned = a.u32(3);
    const more = a.u8(4);
    const all = [bytes, halves, words, doubles, unsigned, more];
    assert.deepEqual(
      all.map((x) => x.length),
      [3, 3, 2, 3, 3, 4],
    );
    for (const x of all) assert.ok(x.every((v) => v === 0));
    // Fill each with its own marker: none overwrites another.
    for (const [k, x] of all.entries()) x.fill(k + 1);
    for (const [k, x] of all.entries())
      assert.ok(
        x.every((v) => v === k + 1),
        `array ${k}`,
      );
  });

  it('refuses to carve more of a width than declared', () => {
    const a = new TypedArena({ f64: 1, i32: 2 });
    a.i32(1);
    a.u32(1);
    assert.throws(() => a.i32(1), ModelError);
    assert.throws(() => a.u8(1), ModelError);
    a.f64(1);
    assert.throws(() => a.f64(1), ModelError);
  });

  it('refuses a size that is not a count', () => {
    assert.throws(() => new TypedArena({ f64: -1 }), ModelError);
    assert.throws(() => new TypedArena({ i8: 1.5 }), ModelError);
  });
});

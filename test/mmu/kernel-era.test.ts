import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { allowedKernelModePairs, defaultKernelFor, KERNEL_ERAS, KERNEL_VERSIONS } from '../../src/mmu/index.js';

describe('kernel eras', () => {
  it('accepts only the (kernel, mode) pairs that shipped: 2.6.24 on i386, today on pae (until 5.8) and 4level', () => {
    assert.deepEqual(allowedKernelModePairs(), ['2.6.24/2level', '2.6.24/pae', 'current/pae', 'current/4level']);
  });

  it('defaults to the seed kernel on the i386 modes and to today on 4level, always a shipped pair', () => {
    for (const mode of ['2level', 'pae', '4level'] as const)
      assert.ok(KERNEL_ERAS[defaultKernelFor(mode)].modes.includes(mode), mode);
    assert.deepEqual(
      [defaultKernelFor('2level'), defaultKernelFor('pae'), defaultKernelFor('4level')],
      ['2.6.24', '2.6.24', 'current'],
    );
  });

  it('differ in every rule the issue names: coalescing, accounting, bypass, lock annotation, lockdep depth', () => {
    const [old, now] = KERNEL_VERSIONS.map((k) => KERNEL_ERAS[k]);
    assert.ok(old !== undefined && now !== undefined, 'two kernel eras');
    assert.deepEqual(
      [old.coalesce, old.argAccounting, old.singletonBypass, old.nestLock, old.maxLockDepth, old.paeKernelPmdInWalk],
      [false, 'u64-slots', false, false, 30, true],
    );
    assert.deepEqual(
      [
        now.coalesce,
        now.argAccounting,
        now.singletonBypass,
        now.nestLock,
        now.maxLockDepth,
        now.lockdepReferencesBits,
        now.paeKernelPmdInWalk,
      ],
      [true, 'bytes', true, true, 48, 11, false],
    );
  });
});

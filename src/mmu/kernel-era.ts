import type { KernelEraSpec, KernelVersion, PagingMode } from './types.js';

/**
 * The two guest kernels the model follows, each exactly (docs/model.md, "Kernel eras", has the sources).
 *
 * - 2.6.24: arch/x86/xen/mmu.c, multicalls.c and multicalls.h of Linux 2.6.24 (the seed patch as it shipped),
 *   i386 only (arch/x86/Kconfig 2.6.24: PARAVIRT_GUEST depends on X86_32); kernel/lockdep.c and
 *   include/linux/sched.h (MAX_LOCK_DEPTH 30UL) of the same tree.
 * - current: today's arch/x86/xen/mmu_pv.c and multicalls.c. Its batcher rules (byte accounting with `>=`,
 *   xen_mc_extend_args, the singleton bypass) are those of the 3.x tracepoint version of multicalls.c onwards (the
 *   2009 debugfs version has no bypass); the 32-bit PV guest, PAE only from 2.6.25 (arch/x86/xen/Kconfig: depends
 *   on X86_PAE), was removed in 5.9, so `current` on `pae` is the 5.8-era 32-bit path of mmu_pv.c with today's rules.
 */
export const KERNEL_ERAS: Readonly<Record<KernelVersion, KernelEraSpec>> = {
  '2.6.24': {
    name: '2.6.24',
    description: 'Linux 2.6.24 (the seed patch as it shipped): i386 PV guests, 2level and pae',
    modes: ['2level', 'pae'],
    coalesce: false,
    argAccounting: 'u64-slots',
    singletonBypass: false,
    nestLock: false,
    maxLockDepth: 30,
    lockdepReferencesBits: 0,
    paeKernelPmdInWalk: true,
  },
  current: {
    name: 'current',
    description: "today's mmu_pv.c and multicalls.c: x86-64 (4level), and pae as the 32-bit path stood until Linux 5.8",
    modes: ['pae', '4level'],
    coalesce: true,
    argAccounting: 'bytes',
    singletonBypass: true,
    nestLock: true,
    maxLockDepth: 48,
    lockdepReferencesBits: 11,
    paeKernelPmdInWalk: false,
  },
};

export const KERNEL_VERSIONS = Object.keys(KERNEL_ERAS) as KernelVersion[];

/** The kernel a mode runs when none is given: the seed's 2.6.24 for the i386 modes, today's for 4level. */
export function defaultKernelFor(mode: PagingMode): KernelVersion {
  return mode === '4level' ? 'current' : '2.6.24';
}

/** Every (kernel, mode) pair that shipped, e.g. `2.6.24/2level`. */
export function allowedKernelModePairs(): string[] {
  return KERNEL_VERSIONS.flatMap((k) => KERNEL_ERAS[k].modes.map((m) => `${k}/${m}`));
}

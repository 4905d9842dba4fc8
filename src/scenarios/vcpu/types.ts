import type { CostProfile } from '../../hv/cost-profile.js';
import type { DomainLock } from '../../hv/domain-lock.js';
import type { Hypervisor } from '../../hv/hypervisor.js';
import type { DebugLocks } from '../../mmu/lockdep.js';
import type { Mm } from '../../mmu/mm.js';
import type { KernelEraSpec } from '../../mmu/types.js';
import type { SpinLockTable } from '../../mmu/spin-lock.js';

/**
 * What a GuestCpu needs from the machine it runs on: the shared model (mm, Xen, locks), the run's rules and costs,
 * and the two things only the machine can do (hand a released lock to a waiting vCPU, account a PTE store).
 * `Machine` implements it; a test or another engine can supply its own.
 */
export interface VcpuHost {
  readonly mm: Mm;
  readonly hv: Hypervisor;
  readonly locks: SpinLockTable;
  readonly costs: CostProfile;
  /** The guest kernel's rules (batcher, PTE-lock annotation, lockdep limits). */
  readonly era: KernelEraSpec;
  /** MC_BATCH, MC_ARGS (bytes) and PREEMPT_BITS of the run. */
  readonly params: { readonly mcBatch: number; readonly mcArgs: number; readonly preemptBits: number };
  /** The kernel's global debug_locks, shared by every vCPU. */
  readonly debugLocks: DebugLocks;
  /** Xen 3.1's domain big lock, or null. */
  readonly domainLock: DomainLock | null;
  /** Whether split PTE locks are on. */
  readonly splitPtlocks: boolean;
  /** A lock released by one vCPU passes to waiting vCPU `vcpu`, which holds it from `atNs` on. */
  handOver(lockId: number, vcpu: number, atNs: number): void;
  /** Account one PTE store of vCPU `vcpu` into PTE page `frame` and its outcome (Hypervisor.store's number). */
  noteStore(vcpu: number, frame: number, outcome: number): void;
}

/**
 * Sees every action of a vCPU as it happens, one call per simulated event (so `engine.events` calls in all):
 * what it was (an ACTION_* constant of `actions.ts`), when it started and how long it keeps the vCPU busy, in
 * virtual ns, and two operands whose meaning depends on the action. For timelines (trace export) and for tools
 * that check or steer schedules. Null by default: a run without an observer pays one test per action.
 */
export interface ActionObserver {
  action(vcpu: number, kind: number, atNs: number, durationNs: number, a: number, b: number): void;
}

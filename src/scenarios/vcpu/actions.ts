import { STORE_OUTCOME_NAMES } from '../../hv/types.js';

/**
 * The actions of a vCPU, one per simulated event: each is an interleaving point (other vCPUs may run between two
 * of them). Reported to an ActionObserver with two operands `a`, `b`.
 */

/** Guest work paid before a visible action (walk steps, flushes forced by other vCPUs' IPIs). a = b = 0. */
export const ACTION_GUEST_WORK = 0;
/** spin_lock acquired. a = lock id. */
export const ACTION_LOCK = 1;
/** spin_lock found the lock held: the vCPU spins until it is handed over (duration 0, BLOCKED). a = lock id. */
export const ACTION_LOCK_WAIT = 2;
/** spin_unlock. a = lock id. */
export const ACTION_UNLOCK = 3;
/** The trap of a flush: a multicall, or one direct hypercall for a singleton. a = entries, b = callbacks. */
export const ACTION_MC_TRAP = 4;
/** Xen executes one entry of the batch being flushed (its sub-ops in order). a = entry index, b = entries. */
export const ACTION_MC_ENTRY = 5;
/** A batch callback that releases a lock (xen_pte_unlock). a = lock id, b = callback index. */
export const ACTION_MC_CALLBACK = 6;
/** A direct hypercall (update_va_mapping, or one mmuext_op). a = frame, b = the mmuext command, or -1 for update_va_mapping. */
export const ACTION_HYPERCALL = 7;
/** A PTE store. a = PTE page frame, b = outcome (STORE_OUTCOMES index). */
export const ACTION_STORE = 8;
/** Think time, dwell. a = ns. */
export const ACTION_SLEEP = 9;
/** Spinning for Xen 3.1's domain big lock before a sub-op or a trapped store. a = b = 0. */
export const ACTION_BIG_LOCK_SPIN = 10;
/** The vCPU's program has ended (duration 0, DONE). */
export const ACTION_EXIT = 11;

/** Names of the actions, by constant. */
export const ACTION_NAMES = [
  'guest work',
  'lock',
  'lock wait',
  'unlock',
  'multicall trap',
  'multicall entry',
  'batch callback',
  'hypercall',
  'PTE store',
  'sleep',
  'big lock spin',
  'exit',
] as const;

/** StoreOutcome by the `b` operand of ACTION_STORE: Hypervisor.store's numbers (STORE_DIRECT ...). */
export const STORE_OUTCOMES = STORE_OUTCOME_NAMES;

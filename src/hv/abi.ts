/** Xen's public ABI numbers and sizes (include/xen/interface/xen.h as copied into Linux; docs/model.md). */

/** Hypercall numbers. */
export const __HYPERVISOR_mmu_update = 1;
export const __HYPERVISOR_update_va_mapping = 14;
export const __HYPERVISOR_mmuext_op = 26;

/** MMUEXT commands. */
export const MMUEXT_PIN_L1_TABLE = 0;
export const MMUEXT_PIN_L2_TABLE = 1;
export const MMUEXT_PIN_L3_TABLE = 2;
export const MMUEXT_PIN_L4_TABLE = 3;
export const MMUEXT_UNPIN_TABLE = 4;

export const MMUEXT_NAMES: Readonly<Record<number, string>> = {
  0: 'PIN_L1_TABLE',
  1: 'PIN_L2_TABLE',
  2: 'PIN_L3_TABLE',
  3: 'PIN_L4_TABLE',
  4: 'UNPIN_TABLE',
};

/** PIN_Ln_TABLE for a Xen type level n (1..4). */
export function pinCommandForLevel(level: number): number {
  return MMUEXT_PIN_L1_TABLE + level - 1;
}

/** update_va_mapping flags. */
export const UVMF_NONE = 0;
export const UVMF_TLB_FLUSH = 1;
export const UVMF_INVLPG = 2;

/** sizeof(struct mmuext_op) on x86-64: cmd (4) + pad (4) + arg1 (8) + arg2 (8). */
export const MMUEXT_OP_BYTES = 24;
/** sizeof(struct mmuext_op) on i386: cmd (4) + arg1 (4) + arg2 (4) (include/xen/interface/xen.h, 2.6.24). */
export const MMUEXT_OP_BYTES_I386 = 12;
/** sizeof(struct mmu_update): ptr (8) + val (8). */
export const MMU_UPDATE_BYTES = 16;

/** -EINVAL, as Xen returns it. */
export const EINVAL = -22;

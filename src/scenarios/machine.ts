import type { CostProfile } from '../hv/cost-profile.js';
import { DomainLock } from '../hv/domain-lock.js';
import { Hypervisor } from '../hv/hypervisor.js';
import { STORE_DIRECT, STORE_EMULATED, STORE_STALE } from '../hv/types.js';
import { KERNEL_ERAS } from '../mmu/kernel-era.js';
import { DebugLocks } from '../mmu/lockdep.js';
import { Mm } from '../mmu/mm.js';
import type { KernelEraSpec } from '../mmu/types.js';
import { SpinLockTable } from '../mmu/spin-lock.js';
import { Engine } from '../sim/engine.js';
import { ModelError } from '../shared/errors.js';
import type { FaultDetail, ForkExitParams } from './types.js';
import { GuestCpu, type VcpuHost } from './vcpu/index.js';

/** How many write-protect faults keep their details. */
export const FAULT_DETAILS_KEPT = 5;

/** One guest: an mm, Xen's view of it, its locks and vCPUs, on one engine. Its vCPUs see it as their VcpuHost. */
export class Machine implements VcpuHost {
  /** The engine that orders the vCPUs' actions: the discrete-event engine, or a tool's own (schedule exploration). */
  readonly engine: Engine;
  /** The guest kernel's rules (params.kernel). */
  readonly era: KernelEraSpec;
  readonly mm: Mm;
  readonly hv: Hypervisor;
  readonly locks: SpinLockTable;
  /** The kernel's global debug_locks, shared by every vCPU's lockdep and preempt checks. */
  readonly debugLocks = new DebugLocks();
  /** Xen 3.1's domain big lock when the profile's Xen has one, else null. */
  readonly domainLock: DomainLock | null;
  readonly cpus: GuestCpu[] = [];
  /** What vCPU 0's workload is in ("pin #3", "dwell #3", ...), for fault details. */
  phase = 'start';
  /** Set when the pinner has finished its iterations: writers stop. */
  pinnerDone = false;
  readonly writes = { direct: 0, emulated: 0, staleTlb: 0, faults: 0 };
  readonly faultDetails: FaultDetail[] = [];

  constructor(
    readonly params: ForkExitParams,
    readonly costs: CostProfile,
    readonly splitPtlocks: boolean,
    engine: Engine = new Engine(),
  ) {
    this.engine = engine;
    this.era = KERNEL_ERAS[params.kernel];
    this.mm = new Mm(
      params.mode,
      params.vmas ? { kind: 'vmas', vmas: params.vmas } : { kind: 'dense', ptePages: params.ptePages },
      {
        kernel: params.kernel,
      },
    );
    this.hv = new Hypervisor(this.mm, costs, { vcpus: params.vcpus, clock: this.engine });
    this.domainLock = this.hv.xen.domainBigLock ? new DomainLock() : null;
    this.locks = new SpinLockTable(this.mm.frameCount, params.vcpus, this.engine);
    for (let v = 0; v < params.vcpus; v++) this.cpus.push(new GuestCpu(this, v));
  }

  /**
   * Add every vCPU's process to the engine (after `start`ing their programs) and run to the end: true, or false
   * when the engine's watch paused the run (call `run` again to go on).
   */
  run(): boolean {
    if (!this.started) {
      for (const c of this.cpus) c.pid = this.engine.add(c, 0);
      this.started = true;
    }
    return this.engine.run();
  }
  private started = false;

  /** A released lock passes to vCPU `vcpu`, which holds it from `atNs` on. */
  handOver(lockId: number, vcpu: number, atNs: number): void {
    this.locks.grant(lockId, atNs);
    const cpu = this.cpus[vcpu];
    if (cpu === undefined) throw new ModelError(`lock ${lockId} handed over to vCPU ${vcpu}, which does not exist`);
    this.engine.wake(cpu.pid, atNs);
  }

  /** Count a PTE store's outcome (Hypervisor.store's number); keep the first few faults' details. */
  noteStore(vcpu: number, frame: number, outcome: number): void {
    if (outcome === STORE_DIRECT) this.writes.direct++;
    else if (outcome === STORE_EMULATED) this.writes.emulated++;
    else if (outcome === STORE_STALE) this.writes.staleTlb++;
    else {
      this.writes.faults++;
      if (this.faultDetails.length < FAULT_DETAILS_KEPT) {
        this.faultDetails.push({
          vcpu,
          frame,
          atNs: this.engine.now,
          pinner: `${this.phase}: ${this.cpus[0]?.describe() ?? 'no pinner'}`,
        });
      }
    }
  }
}

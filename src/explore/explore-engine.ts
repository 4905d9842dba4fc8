import { Engine } from '../sim/engine.js';
import { ModelError } from '../shared/errors.js';

/**
 * The engine a vCPU sees while schedule exploration drives the machine: it replaces the two places where the
 * discrete-event engine decides the order of events (src/sim/engine.ts), so that the explorer decides instead.
 *
 * - `continueAfter` always says no: every action of a vCPU ends its step, and the explorer picks who acts next.
 * - `wake` (a lock handed over to a spinning vCPU) makes that vCPU schedulable again, at once.
 * - `now` is set by the explorer before each step (interval-time.ts): time orders nothing here.
 *
 * The explorer calls each vCPU's `step` itself; `add` and `run` are not used.
 */
export class ExploreEngine extends Engine {
  constructor(private readonly onWake: (id: number) => void) {
    super();
  }

  override continueAfter(_costNs: number): boolean {
    return false;
  }

  override wake(id: number, _atNs: number): void {
    this.onWake(id);
  }

  override add(): number {
    throw new ModelError('schedule exploration drives the vCPUs itself: ExploreEngine.add is not used');
  }

  override run(): boolean {
    throw new ModelError('schedule exploration drives the vCPUs itself: ExploreEngine.run is not used');
  }
}

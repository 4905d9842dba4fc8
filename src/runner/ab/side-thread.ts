import { Worker } from 'node:worker_threads';
import type { SamplerRequest, SamplerResponse } from './types.js';

/** The worker entry of a side (this file is dist/src/runner/ab/side-thread.js). */
export const SIDE_WORKER_URL = new URL('./worker.js', import.meta.url);

/**
 * One side's worker thread, asked one thing at a time. A thread of its own per side: each side's model is
 * its own module graph (two versions of pinbench, or two versions of a strategy that register the same
 * name), with its own heap and JIT state.
 */
export class SideThread {
  private readonly worker: Worker;
  private pending: { resolve: (r: SamplerResponse) => void; reject: (e: Error) => void } | undefined;
  private exited: Error | undefined;

  constructor(readonly name: string) {
    this.worker = new Worker(SIDE_WORKER_URL);
    this.worker.on('message', (response: SamplerResponse) => {
      const pending = this.pending;
      this.pending = undefined;
      pending?.resolve(response);
    });
    const fail = (error: Error) => {
      this.exited = error;
      const pending = this.pending;
      this.pending = undefined;
      pending?.reject(error);
    };
    this.worker.on('error', (error) => fail(new Error(`${name} thread: ${error.message}`)));
    this.worker.on('exit', (code) => fail(new Error(`${name} thread exited (code ${code})`)));
  }

  /** Send one request and wait for its answer; a `failed` answer becomes an Error. */
  async request(request: SamplerRequest): Promise<Exclude<SamplerResponse, { type: 'failed' }>> {
    if (this.exited) throw this.exited;
    if (this.pending) throw new Error(`${this.name} thread is busy`);
    const response = await new Promise<SamplerResponse>((resolve, reject) => {
      this.pending = { resolve, reject };
      this.worker.postMessage(request);
    });
    if (response.type === 'failed') throw new Error(`${this.name}: ${response.error}`);
    return response;
  }

  async close(): Promise<void> {
    this.worker.removeAllListeners('exit');
    await this.worker.terminate();
  }
}

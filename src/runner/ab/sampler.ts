import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import type { SamplerRequest, SamplerResponse } from './types.js';

/** What a side's model must export (its `dist/src/scenarios/index.js`): the same two functions since 0.1. */
interface SideModel {
  resolveParams: (input: Record<string, unknown>) => Record<string, unknown>;
  runScenario: (params: Record<string, unknown>) => { metrics: Record<string, unknown>; events: number };
}

/** A side's strategy registry (`dist/src/strategies/index.js`). */
interface SideStrategies {
  loadStrategyModule: (file: string) => Promise<string[]>;
}

/**
 * The model of one side of an A/B job, loaded from that side's own build, and the two things the job asks of
 * it: one run for its exact metrics, and timed samples. Runs in the side's worker thread (worker.ts is only the
 * message glue); the clock is read here, around the side's `runScenario` and nothing else.
 */
export class SideSampler {
  private model: SideModel | undefined;
  /** Each parameter point resolved once by the side's own resolveParams (its own defaults). */
  private readonly resolved = new Map<string, Record<string, unknown>>();

  async handle(request: SamplerRequest): Promise<SamplerResponse> {
    try {
      switch (request.type) {
        case 'init':
          return await this.init(request.root, request.strategyModules);
        case 'metrics':
          return this.metrics(request.point);
        case 'sample':
          return { type: 'sample', msPerIteration: this.sample(request.point, request.iterations) };
      }
    } catch (error) {
      return { type: 'failed', error: describe(error) };
    }
  }

  private async init(root: string, strategyModules: readonly string[]): Promise<SamplerResponse> {
    const url = (path: string) => pathToFileURL(join(root, path)).href;
    this.model = (await import(url('dist/src/scenarios/index.js'))) as SideModel;
    if (typeof this.model.runScenario !== 'function' || typeof this.model.resolveParams !== 'function') {
      throw new Error(`${root}: dist/src/scenarios/index.js exports no runScenario and resolveParams`);
    }
    if (strategyModules.length > 0) {
      const strategies = (await import(url('dist/src/strategies/index.js'))) as SideStrategies;
      for (const file of strategyModules) await strategies.loadStrategyModule(file);
    }
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version?: string };
    // The side's own cost profiles (their numbers are part of what a version changes), when it exports them.
    let profiles: Record<string, unknown> = {};
    try {
      const hv = (await import(url('dist/src/hv/index.js'))) as { COST_PROFILES?: Record<string, unknown> };
      profiles = JSON.parse(JSON.stringify(hv.COST_PROFILES ?? {})) as Record<string, unknown>;
    } catch {
      profiles = {};
    }
    return { type: 'ready', version: pkg.version ?? 'unknown', profiles };
  }

  private params(point: Record<string, unknown>): Record<string, unknown> {
    const key = JSON.stringify(point);
    let params = this.resolved.get(key);
    if (params === undefined) {
      params = this.loaded().resolveParams(point);
      this.resolved.set(key, params);
    }
    return params;
  }

  private metrics(point: Record<string, unknown>): SamplerResponse {
    const start = performance.now();
    try {
      const params = this.params(point);
      const output = this.loaded().runScenario(params);
      return { type: 'metrics', ok: true, params, metrics: output.metrics, events: output.events, ms: performance.now() - start };
    } catch (error) {
      return { type: 'metrics', ok: false, error: describe(error), ms: performance.now() - start };
    }
  }

  /** Wall ms per repetition of `iterations` back-to-back runs. */
  private sample(point: Record<string, unknown>, iterations: number): number {
    const params = this.params(point);
    const { runScenario } = this.loaded();
    const start = performance.now();
    for (let i = 0; i < iterations; i++) runScenario(params);
    return (performance.now() - start) / iterations;
  }

  private loaded(): SideModel {
    if (this.model === undefined) throw new Error('sampler used before init');
    return this.model;
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

// The thread of an A/B job: message glue only (the work is SideSampler's). It hosts one side, or both: each
// side's model is its own module graph, loaded from its own directory.
import { parentPort } from 'node:worker_threads';
import { SideSampler } from './sampler.js';
import type { SamplerRequest } from './types.js';

const samplers = new Map<string, SideSampler>();
parentPort?.on('message', (request: SamplerRequest) => {
  let sampler = samplers.get(request.side);
  if (sampler === undefined) {
    sampler = new SideSampler();
    samplers.set(request.side, sampler);
  }
  void sampler.handle(request).then((response) => parentPort?.postMessage(response));
});

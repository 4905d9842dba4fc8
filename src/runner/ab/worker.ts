// The thread of one side of an A/B job: message glue only (the work is SideSampler's).
import { parentPort } from 'node:worker_threads';
import { SideSampler } from './sampler.js';
import type { SamplerRequest } from './types.js';

const sampler = new SideSampler();
parentPort?.on('message', (request: SamplerRequest) => {
  void sampler.handle(request).then((response) => parentPort?.postMessage(response));
});

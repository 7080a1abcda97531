/**
 * The worker's message loop: runs jobs concurrently, relays their logs and power calls, and drops
 * a run the host cancelled (its result, later logs and pending calls are discarded).
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { HostToWorker, RunRequest, WorkerData } from '../protocol.js';
import { HostLink } from './host-link.js';
import { runJob } from './run-job.js';

if (!parentPort) throw new Error('the sandbox worker must run in a worker thread');
const link = new HostLink(parentPort, (workerData as WorkerData).logJournal);
const active = new Set<number>();
const cancelled = new Set<number>();

// Task code may leave a rejected promise unhandled; that must not take the worker down.
process.on('unhandledRejection', () => {});

async function start(runId: number, request: RunRequest): Promise<void> {
  active.add(runId);
  const outcome = await runJob(request, {
    log: (entry) => {
      if (!cancelled.has(runId)) link.log(runId, entry);
    },
    call: (power, payload) => (cancelled.has(runId) ? new Promise<never>(() => {}) : link.call(runId, power, payload)),
  });
  active.delete(runId);
  if (cancelled.delete(runId)) return;
  link.send({ type: 'done', runId, outcome });
}

function receive(message: HostToWorker): void {
  switch (message.type) {
    case 'batch':
      for (const each of message.messages) receive(each);
      break;
    case 'run':
      void start(message.runId, message.request);
      break;
    case 'cancel':
      if (active.has(message.runId)) {
        cancelled.add(message.runId);
        link.forgetRun(message.runId);
      }
      link.send({ type: 'cancelled', runId: message.runId });
      break;
    case 'power-result':
      link.settle(message.callId, message);
      break;
    default:
      message satisfies never;
  }
}

parentPort.on('message', receive);

link.send({ type: 'ready' });

/**
 * Live log streams over a real HTTP server: start and stop a server on a test stack, open a
 * stream as some Odoo user and read its server-sent events as they arrive.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { mintToken } from '../../server/src/auth/index.js';
import { httpServerOptions } from '../../server/src/triggers/index.js';
import { TEST_SECRET } from './app.js';
import type { TestStack } from './runtime.js';

export async function listen(stack: TestStack): Promise<{ server: ServerType; base: string }> {
  const started = serve({ fetch: stack.app.fetch, port: 0, hostname: '127.0.0.1', serverOptions: httpServerOptions() });
  await new Promise((resolve) => started.once('listening', resolve));
  return { server: started, base: `http://127.0.0.1:${(started.address() as AddressInfo).port}` };
}

export async function shut(stack: TestStack, running: ServerType): Promise<void> {
  (running as Server).closeAllConnections();
  await new Promise<void>((resolve) => running.close(() => resolve()));
  await stack.close();
}

export const tokenFor = (uid: number, role: 'user' | 'developer' = 'user') =>
  mintToken(TEST_SECRET, { uid, db: 'odoo', role, exp: Math.floor(Date.now() / 1000) + 600 });

export interface OpenStream {
  status: number;
  /** Every event received so far. */
  events: { event: string; id?: string; data: any }[];
  /** Resolves with the events when the server ends the stream. */
  ended: Promise<{ event: string; id?: string; data: any }[]>;
  /** Resolves when an event named `name` has arrived. */
  waitFor(name: string, predicate?: (data: any) => boolean): Promise<void>;
  close(): void;
}

/** Opens a stream as `uid` and parses its events as they arrive. */
export async function openStream(at: string, jobId: number, uid: number, headers: Record<string, string> = {}): Promise<OpenStream> {
  const abort = new AbortController();
  const response = await fetch(`${at}/api/jobs/${jobId}/logs/stream`, {
    headers: { authorization: `Bearer ${tokenFor(uid)}`, ...headers },
    signal: abort.signal,
  }).catch((e) => {
    console.log('STREAM', e);
    throw e;
  });
  const events: OpenStream['events'] = [];
  let failure: Error | undefined;
  const waiters: (() => void)[] = [];
  const ended = (async () => {
    if (!response.body) return events;
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of response.body) {
        buffer += decoder.decode(chunk as Uint8Array, { stream: true });
        let split: number;
        while ((split = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, split);
          buffer = buffer.slice(split + 2);
          const fields = Object.fromEntries(
            block.split('\n').map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 2)]),
          );
          events.push({ event: fields.event ?? 'message', id: fields.id, data: fields.data ? JSON.parse(fields.data) : undefined });
          for (const wake of waiters.splice(0)) wake();
        }
      }
    } catch (error) {
      // aborted by the test, or the connection failed
      failure = error as Error;
    }
    for (const wake of waiters.splice(0)) wake();
    return events;
  })();
  let done = false;
  void ended.then(() => (done = true));
  return {
    status: response.status,
    events,
    ended,
    async waitFor(name, predicate = () => true) {
      while (!events.some((e) => e.event === name && predicate(e.data))) {
        if (done) {
          const seen = events.map((e) => `${e.event} ${String(e.data?.message ?? JSON.stringify(e.data)).slice(0, 60)}`);
          throw new Error(
            `the stream ended (${failure?.message ?? 'by the server'}) without that ${name} event; it had: ${seen.join(' | ')}`,
          );
        }
        await new Promise<void>((resolve) => waiters.push(resolve));
      }
    },
    close: () => abort.abort(),
  };
}

/**
 * The frame of the external API stubs (Telegram, GitHub, Trello): a loopback HTTP server with
 * JSON bodies, a route table (routes may be async), a log of the calls it answered, and an outage
 * switch (the next N calls answer 502, as an API that is down).
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StubRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: any;
}

export type StubAnswer = { status?: number; body: unknown };
export type Route = (request: StubRequest, match: RegExpMatchArray) => StubAnswer | unknown | Promise<StubAnswer | unknown>;

export class StubServer {
  readonly calls: { method: string; path: string }[] = [];
  private server: Server | undefined;
  private failing = 0;
  url = '';

  constructor(private readonly routes: [string, RegExp, Route][]) {}

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      let text = '';
      req.on('data', (chunk) => (text += chunk));
      req.on('end', async () => {
        const url = new URL(req.url ?? '/', 'http://stub');
        const request: StubRequest = {
          method: req.method ?? 'GET',
          path: url.pathname,
          query: url.searchParams,
          headers: req.headers,
          body: text ? JSON.parse(text) : undefined,
        };
        this.calls.push({ method: request.method, path: request.path });
        const answer = await this.answer(request);
        res.writeHead(answer.status ?? 200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(answer.body ?? null));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  /** The next `count` calls answer 502 Bad Gateway. */
  outage(count: number): void {
    this.failing = count;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }

  private async answer(request: StubRequest): Promise<StubAnswer> {
    if (this.failing > 0) {
      this.failing--;
      return { status: 502, body: { message: 'Bad Gateway' } };
    }
    for (const [method, pattern, route] of this.routes) {
      const match = method === request.method ? request.path.match(pattern) : null;
      if (!match) continue;
      try {
        const result = await route(request, match);
        return isAnswer(result) ? result : { body: result };
      } catch (error) {
        return { status: (error as { status?: number }).status ?? 500, body: { message: (error as Error).message } };
      }
    }
    return { status: 404, body: { message: `Not Found: ${request.method} ${request.path}` } };
  }
}

function isAnswer(value: unknown): value is StubAnswer {
  return typeof value === 'object' && value !== null && 'body' in value && Object.keys(value).every((k) => k === 'body' || k === 'status');
}

export function notFound(message: string): Error {
  return Object.assign(new Error(message), { status: 404 });
}

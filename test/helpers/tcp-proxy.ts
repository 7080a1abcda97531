/**
 * A TCP forwarder in front of a local server that can play it down: `down(count)` cuts the open
 * connections and resets the next `count` ones at once (a client sees its request fail without an
 * answer), then forwards again. Deterministic, unlike stopping the server for a while.
 */
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';

export class FlakyProxy {
  /** Connections reset so far. */
  reset = 0;
  url = '';
  private server: Server | undefined;
  private resetting = 0;
  private readonly open = new Set<Socket>();

  constructor(private readonly target: string) {}

  async start(): Promise<this> {
    const { hostname, port } = new URL(this.target);
    this.server = createServer((client) => {
      if (this.resetting > 0) {
        this.resetting--;
        this.reset++;
        client.resetAndDestroy();
        return;
      }
      const upstream = connect(Number(port), hostname);
      for (const socket of [client, upstream]) {
        this.open.add(socket);
        socket.on('close', () => this.open.delete(socket));
        socket.on('error', () => (socket === client ? upstream : client).destroy());
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  /** Cuts the open connections and resets the next `count`. */
  down(count: number): void {
    this.resetting = count;
    for (const socket of this.open) socket.destroy();
  }

  async stop(): Promise<void> {
    for (const socket of this.open) socket.destroy();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }
}

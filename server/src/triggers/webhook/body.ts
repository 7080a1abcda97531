/**
 * Reading a webhook's body within the size limit (declared or counted while it streams). Served by
 * Node (production), the body is read from the IncomingMessage itself: materialising the web
 * Request's body stream (a full undici Request, a ReadableStream, an AbortSignal) cost more of the
 * main thread than the rest of a request's HTTP handling. Elsewhere (`app.request` in tests) the
 * web stream is read.
 */
import type { IncomingMessage } from 'node:http';

/** Resolves to the body, or null when it is larger than `max` bytes (the rest is left unread). */
export type BodyReader = (max: number) => Promise<Buffer | null>;

export function bodyReader(request: Request, incoming: IncomingMessage | undefined): BodyReader {
  return (max) => {
    if (Number(request.headers.get('content-length') ?? 0) > max) return Promise.resolve(null);
    return incoming ? readIncoming(incoming, max) : readStream(request, max);
  };
}

function readIncoming(incoming: IncomingMessage, max: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const stop = () => {
      incoming.off('data', onData).off('end', onEnd).off('error', onError).off('close', onClose);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= max) return void chunks.push(chunk);
      stop();
      resolve(null);
    };
    const onEnd = () => {
      stop();
      resolve(Buffer.concat(chunks, size));
    };
    const onError = (error: Error) => {
      stop();
      reject(error);
    };
    const onClose = () => onError(new Error('the client closed the connection before the body ended'));
    incoming.on('data', onData).on('end', onEnd).on('error', onError).on('close', onClose);
  });
}

async function readStream(request: Request, max: number): Promise<Buffer | null> {
  if (!request.body) return Buffer.alloc(0);
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = request.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return Buffer.concat(chunks);
    size += value.byteLength;
    if (size > max) {
      await reader.cancel();
      return null;
    }
    chunks.push(value);
  }
}

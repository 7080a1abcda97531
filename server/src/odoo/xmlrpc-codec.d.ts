// Types for the encoder/decoder modules inside the `xmlrpc` package (its @types cover only the
// client/server API). Used by the XML-RPC client and by the Odoo double's XML-RPC endpoints.
declare module 'xmlrpc/lib/serializer.js' {
  const serializer: {
    serializeMethodCall(method: string, params?: unknown[], encoding?: string): string;
    serializeMethodResponse(result: unknown): string;
    serializeFault(fault: { faultCode: number; faultString: string }): string;
  };
  export default serializer;
}

declare module 'xmlrpc/lib/deserializer.js' {
  import type { Readable } from 'node:stream';
  class Deserializer {
    constructor(encoding?: string);
    deserializeMethodResponse(
      stream: Readable,
      callback: (error: (Error & { faultCode?: number; faultString?: string }) | null | undefined, result?: unknown) => void,
    ): void;
    deserializeMethodCall(stream: Readable, callback: (error: Error | null | undefined, method?: string, params?: unknown[]) => void): void;
  }
  export default Deserializer;
}

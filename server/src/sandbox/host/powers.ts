/**
 * Calls a host power for a worker and turns the answer into a `power-result` message. Failures
 * keep their `name` and `message` only (task code rebuilds them); binary data is sent as an exactly
 * sized copy, never as a view of a larger buffer (Node Buffers share pooled memory).
 */
import type { HostPowers, HostToWorker, HttpRequest, PowerName, PowerPayloads } from '../protocol.js';

type PowerResult = Extract<HostToWorker, { type: 'power-result' }>;

export async function callPower(powers: HostPowers, callId: number, power: PowerName, payload: unknown): Promise<PowerResult> {
  try {
    const value = await invoke(powers, power, payload as PowerPayloads[typeof power]);
    return { type: 'power-result', callId, ok: true, value };
  } catch (error) {
    return { type: 'power-result', callId, ok: false, error: errorData(error) };
  }
}

async function invoke(powers: HostPowers, power: PowerName, payload: unknown): Promise<unknown> {
  switch (power) {
    case 'odoo':
      return powers.odoo(payload as PowerPayloads['odoo']);
    case 'addJob':
      return powers.addJob(payload as PowerPayloads['addJob']);
    case 'links':
      return powers.links(payload);
    case 'http': {
      const response = await powers.http(payload as HttpRequest);
      return { ...response, data: exactCopy(response.data) };
    }
    case 'plugin':
      return powers.plugin(payload as PowerPayloads['plugin']);
    default:
      return power satisfies never;
  }
}

function exactCopy(data: unknown): unknown {
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength));
  return data;
}

export function errorData(error: unknown): { name: string; message: string } {
  if (error instanceof Error) return { name: error.name, message: error.message };
  return { name: 'Error', message: String(error) };
}

/** When the answer itself cannot cross to the worker (e.g. it holds a function). */
export function unsendableResult(callId: number, power: PowerName, error: unknown): PowerResult {
  return {
    type: 'power-result',
    callId,
    ok: false,
    error: { name: 'DataCloneError', message: `the answer of ${power} cannot be sent to the sandbox: ${errorData(error).message}` },
  };
}

/**
 * HTTP(S) agents that connect only where the egress policy allows. Host names are resolved by a
 * `lookup` that checks every address before the socket connects to it (the connection uses
 * exactly the checked address, so DNS rebinding between check and use is impossible); hosts
 * written as IP addresses skip `lookup` in Node, so `createConnection` checks them itself. Every
 * hop of a redirect opens its connection through these agents.
 */
import { lookup as dnsLookup, type LookupAddress, type LookupAllOptions, type LookupOptions } from 'node:dns';
import { Agent as HttpAgent, type ClientRequestArgs } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import type { Duplex } from 'node:stream';
import type { EgressPolicy } from './policy.js';

type ConnectionCallback = (error: Error | null, stream: Duplex) => void;

function checkedLookup(policy: EgressPolicy): LookupFunction {
  return (hostname, options, callback) => {
    const all: LookupAllOptions = { ...(options as LookupOptions), all: true };
    dnsLookup(hostname, all, (error, addresses: LookupAddress[]) => {
      if (error) return callback(error, '', 0);
      for (const { address } of addresses) {
        const refusal = policy.refusal(hostname, address);
        if (refusal) return callback(refusal, '', 0);
      }
      if ((options as LookupOptions).all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
      const [first] = addresses;
      if (!first) return callback(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }), '', 0);
      callback(null, first.address, first.family);
    });
  };
}

/** Refuses a literal IP host before connecting (Node connects to those without calling lookup). */
function refuseLiteral(policy: EgressPolicy, options: ClientRequestArgs, callback: ConnectionCallback | undefined): boolean {
  const host = String(options.host ?? options.hostname ?? '').replace(/^\[|\]$/g, '');
  if (!isIP(host)) return false;
  const refusal = policy.refusal(host, host);
  if (!refusal) return false;
  process.nextTick(() => callback?.(refusal, undefined as unknown as Duplex));
  return true;
}

export function createEgressAgents(policy: EgressPolicy): { httpAgent: HttpAgent; httpsAgent: HttpsAgent } {
  const lookup = checkedLookup(policy);
  class CheckedHttpAgent extends HttpAgent {
    override createConnection(options: ClientRequestArgs, callback?: ConnectionCallback) {
      if (refuseLiteral(policy, options, callback)) return undefined;
      return super.createConnection(options, callback);
    }
  }
  class CheckedHttpsAgent extends HttpsAgent {
    override createConnection(options: ClientRequestArgs, callback?: ConnectionCallback) {
      if (refuseLiteral(policy, options, callback)) return undefined;
      return super.createConnection(options, callback);
    }
  }
  return {
    httpAgent: new CheckedHttpAgent({ keepAlive: true, lookup }),
    httpsAgent: new CheckedHttpsAgent({ keepAlive: true, lookup }),
  };
}

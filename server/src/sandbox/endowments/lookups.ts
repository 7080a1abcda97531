/**
 * `params`, `texts` and `webhooks`: frozen name → value objects. Reading a name that does not exist
 * throws an Error naming it and listing the known names (upstream raised AttributeError), so a
 * typo never reads as a silent `undefined`.
 */

/** Names that generic code probes (JSON.stringify, await) without meaning a key. */
const probes: ReadonlySet<string> = new Set(['toJSON', 'then']);

export function createLookup(kind: 'params' | 'texts' | 'webhooks', values: Record<string, unknown>): object {
  const target: Record<string, unknown> = Object.freeze({ ...values });
  return new Proxy(target, {
    get(object, key) {
      if (typeof key !== 'string' || key in object || probes.has(key)) return Reflect.get(object, key);
      const known = Object.keys(object);
      throw new Error(`${kind}.${key} does not exist; known ${kind}: ${known.length === 0 ? '(none)' : known.join(', ')}`);
    },
  });
}

/**
 * Values read at most `ttlMs` ago: callers arriving while a value is being read share that read,
 * and a read that failed is forgotten at once (the next caller reads again).
 */
import type { Clock } from './clock.js';

export function cached<T>(clock: Clock, ttlMs: number, load: () => Promise<T>): () => Promise<T> {
  let value: { at: number; promise: Promise<T> } | undefined;
  return () => {
    const now = clock.now().getTime();
    if (!value || now - value.at >= ttlMs) {
      const promise = load();
      const entry = { at: now, promise };
      value = entry;
      promise.catch(() => {
        if (value === entry) value = undefined;
      });
    }
    return value.promise;
  };
}

/** `cached` per key. */
export function cachedByKey<T>(clock: Clock, ttlMs: number, load: (key: string) => Promise<T>): (key: string) => Promise<T> {
  const byKey = new Map<string, () => Promise<T>>();
  return (key) => {
    let read = byKey.get(key);
    if (!read) byKey.set(key, (read = cached(clock, ttlMs, () => load(key))));
    return read();
  };
}

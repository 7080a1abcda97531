/**
 * Values read at most `ttlMs` ago: callers arriving while a value is being read share that read,
 * and a read that failed is forgotten at once (the next caller reads again). `refreshed` is the
 * kind for values a hot path reads: past `ttlMs` it answers the value it has while a new read
 * runs, so only the first caller ever waits.
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

/**
 * A value read once, then read again in the background when a caller finds it older than
 * `ttlMs`: that caller and those after it get the value kept until the new one arrives. A failed
 * first read is forgotten at once (the next caller reads again); a failed read in the background
 * keeps the old value for another `ttlMs`.
 */
export function refreshed<T>(clock: Clock, ttlMs: number, load: () => Promise<T>): () => Promise<T> {
  let kept: { at: number; value: T } | undefined;
  let reading: Promise<T> | undefined;
  const read = (): Promise<T> => {
    const at = clock.now().getTime();
    const promise = load().then((value) => {
      kept = { at, value };
      return value;
    });
    reading = promise;
    const done = () => {
      if (reading === promise) reading = undefined;
    };
    promise.then(done, done);
    return promise;
  };
  return () => {
    if (!kept) return reading ?? read();
    if (!reading && clock.now().getTime() - kept.at >= ttlMs) {
      const old = kept;
      read().catch(() => {
        if (kept === old) kept = { at: clock.now().getTime(), value: old.value };
      });
    }
    return Promise.resolve(kept.value);
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

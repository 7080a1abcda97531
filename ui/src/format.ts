/** Display helpers shared by the lists: dates, durations, and JSON pretty-printing of log data. */
export function when(iso: string | null | undefined): string {
  return iso ? new Date(iso).toLocaleString() : '';
}

export function duration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '';
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(ms < 10000 ? 2 : 0)} s`;
}

/** The message as indented JSON when it is JSON (data_in / data_out lines), else undefined. */
export function prettyJson(message: string): string | undefined {
  const trimmed = message.trim();
  if (!/^[[{"]/.test(trimmed)) return undefined;
  try {
    return JSON.stringify(JSON.parse(trimmed), null, 2);
  } catch {
    return undefined;
  }
}

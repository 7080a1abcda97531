/**
 * Log lines a worker has written that the host may not have received yet, kept in memory the two
 * threads share. The worker posts its messages once per turn of its event loop (message-batch.ts),
 * so a job that never yields (an endless loop) or a worker that dies (memory limit, crash) would
 * take its last lines with it, and a message posted just before a termination is dropped too. The
 * host reads what is left here while a run is busy (so a live log shows lines of a loop that never
 * yields), when it gives up on a run, and after the thread ended, so the lines a user needs to
 * debug the job reach its log.
 *
 * Layout: a header of four 64-bit words (bytes used, a generation that is odd while the worker
 * moves records, the last sequence number the host acknowledged, the last one appended), then records of
 * [u32 length][f64 sequence][UTF-8 JSON {runId, entry}]. Sequence numbers grow per worker; the
 * worker drops acknowledged records when it needs room; the host skips the ones it has seen.
 */
import type { LogEntry } from './protocol.js';

export const LOG_JOURNAL_BYTES = 256 * 1024;

const USED = 0;
const GENERATION = 1;
const ACKNOWLEDGED = 2;
const APPENDED = 3;
const HEADER_WORDS = 4;
const HEADER_BYTES = HEADER_WORDS * 8;
const RECORD_HEADER_BYTES = 12;
/** A reader gives up after this many torn reads (the worker died while moving records). */
const MAX_READ_ATTEMPTS = 1000;

export interface JournalRecord {
  seq: number;
  runId: number;
  entry: LogEntry;
}

export function createLogJournalBuffer(bytes = LOG_JOURNAL_BYTES): SharedArrayBuffer {
  return new SharedArrayBuffer(bytes);
}

/** The worker's side: appends records, and drops those the host acknowledged when it needs room. */
export class LogJournalWriter {
  private readonly header: BigInt64Array;
  private readonly bytes: Uint8Array;
  private readonly view: DataView;
  private readonly encoder = new TextEncoder();

  constructor(buffer: SharedArrayBuffer) {
    this.header = new BigInt64Array(buffer, 0, HEADER_WORDS);
    this.bytes = new Uint8Array(buffer);
    this.view = new DataView(buffer);
  }

  /** False when the record does not fit even after dropping acknowledged ones (post it at once then). */
  append(record: JournalRecord): boolean {
    const payload = this.encoder.encode(JSON.stringify({ runId: record.runId, entry: record.entry }));
    const size = RECORD_HEADER_BYTES + payload.length;
    let used = Number(Atomics.load(this.header, USED));
    if (HEADER_BYTES + used + size > this.bytes.length) {
      this.dropAcknowledged();
      used = Number(Atomics.load(this.header, USED));
      if (HEADER_BYTES + used + size > this.bytes.length) return false;
    }
    const at = HEADER_BYTES + used;
    this.view.setUint32(at, payload.length);
    this.view.setFloat64(at + 4, record.seq);
    this.bytes.set(payload, at + RECORD_HEADER_BYTES);
    Atomics.store(this.header, USED, BigInt(used + size));
    Atomics.store(this.header, APPENDED, BigInt(record.seq));
    return true;
  }

  private dropAcknowledged(): void {
    const acknowledged = Number(Atomics.load(this.header, ACKNOWLEDGED));
    const used = Number(Atomics.load(this.header, USED));
    let offset = 0;
    while (offset < used && this.view.getFloat64(HEADER_BYTES + offset + 4) <= acknowledged) {
      offset += RECORD_HEADER_BYTES + this.view.getUint32(HEADER_BYTES + offset);
    }
    if (offset === 0) return;
    // Moved under an odd generation, so a reader that overlapped the move reads again.
    Atomics.add(this.header, GENERATION, 1n);
    this.bytes.copyWithin(HEADER_BYTES, HEADER_BYTES + offset, HEADER_BYTES + used);
    Atomics.store(this.header, USED, BigInt(used - offset));
    Atomics.add(this.header, GENERATION, 1n);
  }
}

/** The host's side: acknowledges what arrived by message and takes what did not. */
export class LogJournalReader {
  private acknowledged = 0;
  private readonly header: BigInt64Array;
  private readonly bytes: Uint8Array;
  private readonly decoder = new TextDecoder();

  constructor(buffer: SharedArrayBuffer) {
    this.header = new BigInt64Array(buffer, 0, HEADER_WORDS);
    this.bytes = new Uint8Array(buffer);
  }

  /** The worker may drop records up to `seq` (the host has them; a copy arriving later is skipped). */
  acknowledge(seq: number): void {
    if (seq <= this.acknowledged) return;
    this.acknowledged = seq;
    Atomics.store(this.header, ACKNOWLEDGED, BigInt(seq));
  }

  /**
   * Takes the records not acknowledged yet, oldest first, and acknowledges them; [] when there are
   * none (checked without a copy) or the worker died in the middle of moving them. A record that
   * did not fit was posted without a journal copy: while the worker lives (`workerEnded` false) the
   * records are taken only up to such a gap, since the message that fills it is on its way.
   */
  takeUnacknowledged(workerEnded: boolean): JournalRecord[] {
    for (let attempt = 0; attempt < MAX_READ_ATTEMPTS; attempt++) {
      if (Number(Atomics.load(this.header, APPENDED)) <= this.acknowledged) return [];
      const generation = Atomics.load(this.header, GENERATION);
      if (generation % 2n === 1n) continue;
      const used = Number(Atomics.load(this.header, USED));
      const copy = this.bytes.slice(HEADER_BYTES, HEADER_BYTES + used);
      if (Atomics.load(this.header, GENERATION) !== generation) continue;
      const records = this.parse(copy, this.acknowledged, !workerEnded);
      if (records.length > 0) this.acknowledge(records[records.length - 1]!.seq);
      return records;
    }
    return [];
  }

  /** The records after sequence number `after` (`contiguous`: up to the first gap). */
  private parse(copy: Uint8Array, after: number, contiguous: boolean): JournalRecord[] {
    const view = new DataView(copy.buffer);
    const records: JournalRecord[] = [];
    for (let offset = 0; offset + RECORD_HEADER_BYTES <= copy.length;) {
      const length = view.getUint32(offset);
      const seq = view.getFloat64(offset + 4);
      const start = offset + RECORD_HEADER_BYTES;
      if (seq > after) {
        if (contiguous && seq !== after + records.length + 1) break;
        const { runId, entry } = JSON.parse(this.decoder.decode(copy.subarray(start, start + length))) as Omit<JournalRecord, 'seq'>;
        records.push({ seq, runId, entry });
      }
      offset = start + length;
    }
    return records;
  }
}

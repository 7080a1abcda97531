/**
 * Compiled programs of this worker, kept per (project id, version) for common code and per task id
 * for task code, so a warm job skips parsing and name analysis. An entry also remembers its source
 * and is recompiled when the source differs (task code has no version; a stale version number must
 * never run other code). Bounded; the least recently used entry goes first.
 */
import type { RunRequest } from '../protocol.js';
import { compileSource, isPublicName, type CompiledSource } from '../source/index.js';

const MAX_ENTRIES = 256;

class ProgramCache {
  private readonly entries = new Map<string, { code: string; compiled: CompiledSource }>();

  get(key: string, code: string, compile: () => CompiledSource): CompiledSource {
    const found = this.entries.get(key);
    this.entries.delete(key);
    const entry = found?.code === code ? found : { code, compiled: compile() };
    this.entries.set(key, entry);
    if (this.entries.size > MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value as string);
    return entry.compiled;
  }
}

export interface CompiledJobCode {
  common: CompiledSource;
  task: CompiledSource;
  /** Public common names plus every task name: what add_job may run and where handlers come from. */
  runnableNames: ReadonlySet<string>;
}

const commonPrograms = new ProgramCache();
const taskPrograms = new ProgramCache();

/** Throws SourceSyntaxError when either source does not parse. */
export function compiledCode(request: RunRequest): CompiledJobCode {
  const { project, task } = request;
  const common = commonPrograms.get(`${project.id}@${project.version}`, project.commonCode, () =>
    compileSource(project.commonCode, 'common code', isPublicName),
  );
  const compiledTask = taskPrograms.get(String(task.id), task.code, () => compileSource(task.code, `task ${task.id}`, () => true));
  const runnableNames = new Set([...common.names.filter(isPublicName), ...compiledTask.names]);
  return { common, task: compiledTask, runnableNames };
}

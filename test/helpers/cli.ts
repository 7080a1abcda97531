/** Runs the real `sync-studio` command (the compiled bin) in a child process. */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

export const binPath = join(fileURLToPath(new URL('../../', import.meta.url)), 'server/src/cli/bin.js');

/** The environment for a child: this process's, minus any Sync Studio / Odoo setting, plus `env`. */
export function childEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !/^(SYNC_STUDIO_|ODOO_|DATABASE_URL$|PORT$|HOST$|PUBLIC_URL$)/.test(k)),
  );
  return { ...clean, SYNC_STUDIO_LOG_LEVEL: 'warn', ...env };
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], env: Record<string, string>, timeoutMs = 60_000): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [binPath, ...args], { env: childEnv(env) });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`sync-studio ${args.join(' ')} did not finish in ${timeoutMs} ms\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/**
 * Starts `sync-studio serve` (with `args`) and resolves once it printed its URL (and token, in standalone mode).
 * `processGroup`: the command leads a process group of its own, as a shell starts a job, so a test
 * can signal the whole group as a terminal's Ctrl-C does.
 */
export function startServe(
  env: Record<string, string>,
  timeoutMs = 60_000,
  options: { processGroup?: boolean; args?: string[] } = {},
): Promise<{ child: ChildProcess; url: string; token: string | undefined; output: () => string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [binPath, 'serve', ...(options.args ?? [])], {
      env: childEnv(env),
      detached: options.processGroup === true,
    });
    let output = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`serve did not start in ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    const onData = (data: Buffer) => {
      output += data;
      const url = output.match(/API:\s+(http:\/\/\S+)\/api/)?.[1];
      const health = output.includes('Health:');
      if (url && health) {
        clearTimeout(timer);
        resolve({ child, url, token: output.match(/Administrator token: (\S+)/)?.[1], output: () => output });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited with ${code}:\n${output}`));
    });
  });
}

export function stop(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve(child.exitCode);
    child.once('exit', (code) => resolve(code));
    child.kill(signal);
  });
}

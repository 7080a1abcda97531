/** Debian's Chromium driven by playwright-core (installed by `.ci/run`), and where tests keep their screenshots. */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { packageRoot } from '../../server/src/shared/paths.js';

export const chromiumPath = '/usr/bin/chromium';

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** test-artifacts/<name>/ (git-ignored): screenshots a person looks at. */
export function artifactsDir(name: string): string {
  const dir = join(packageRoot, 'test-artifacts', name);
  mkdirSync(dir, { recursive: true });
  return dir;
}

import fs from 'node:fs';
import { Browser, chromium } from 'playwright-core';

/** Debian's Chromium (apt-get install -y chromium), driven by playwright-core in the browser tests. */
export const CHROMIUM = '/usr/bin/chromium';
export const haveChromium = fs.existsSync(CHROMIUM);
if (!haveChromium) console.warn(`[tests] skipping browser tests: no ${CHROMIUM} (apt-get install -y chromium)`);

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
}

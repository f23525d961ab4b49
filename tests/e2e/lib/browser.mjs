// Headless Debian Chromium through playwright-core (never `npx playwright install`).
// Each launch gets a fresh temporary profile (playwright creates and removes it); every context
// within it is a separate browser identity (own cookies, localStorage, sessionStorage).
import { chromium } from 'playwright-core';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const E2E_DIR = dirname(dirname(fileURLToPath(import.meta.url)));
export const REPO_DIR = dirname(dirname(E2E_DIR));
export const ARTIFACTS = join(E2E_DIR, 'artifacts');

export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

export async function launch() {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} not found: apt-get install -y chromium (or set CHROMIUM)`);
  }
  mkdirSync(ARTIFACTS, { recursive: true });
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}

// Console errors that only say the server is unreachable (expected when there is none).
export const CONNECTION_NOISE = [
  /Failed to load resource/i,
  /WebSocket connection to .* failed/i,
  /ERR_CONNECTION_REFUSED|ERR_EMPTY_RESPONSE|ERR_CONNECTION_RESET/i,
];

// A page that records console errors and uncaught exceptions. opts go to browser.newContext
// (viewport, isMobile, hasTouch...). Returns {context, page, errors(allowed)}.
export async function openPage(browser, opts = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 860 }, ...opts });
  // Record every toast the client shows (kind and text), for checks of unexpected errors.
  await context.addInitScript(() => {
    window.__toasts = [];
    new MutationObserver((records) => {
      for (const r of records) {
        for (const n of r.addedNodes) {
          if (n.classList && n.classList.contains('toast')) window.__toasts.push(`${n.className}: ${n.textContent}`);
        }
      }
    }).observe(document, { childList: true, subtree: true });
  });
  const page = await context.newPage();
  const seen = [];
  page.on('console', (m) => {
    if (m.type() === 'error') seen.push(`console: ${m.text()} ${m.location()?.url || ''}`);
  });
  page.on('pageerror', (e) => seen.push(`pageerror: ${e.message}`));
  return {
    context,
    page,
    // Errors beyond the allowed patterns (default: none allowed).
    errors: (allowed = []) => seen.filter((s) => !allowed.some((re) => re.test(s))),
    all: () => seen.slice(),
    // Error toasts shown since the page was last loaded.
    errorToasts: () => page.evaluate(() => (window.__toasts || []).filter((s) => s.includes('error'))),
  };
}

export function screenshotPath(name) {
  mkdirSync(ARTIFACTS, { recursive: true });
  return join(ARTIFACTS, name);
}

// Minimal assertion helpers that print what failed and keep going, so one run shows every problem.
export function checker(label) {
  let failed = 0;
  let passed = 0;
  return {
    ok(cond, what) {
      if (cond) {
        passed++;
        console.log(`  ok   ${what}`);
      } else {
        failed++;
        console.log(`  FAIL ${what}`);
      }
      return !!cond;
    },
    eq(got, want, what) {
      const same = JSON.stringify(got) === JSON.stringify(want);
      return this.ok(same, same ? what : `${what}: got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
    },
    done() {
      console.log(`${label}: ${passed} passed, ${failed} failed`);
      return failed === 0;
    },
  };
}

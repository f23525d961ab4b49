// Starts the real chuhe-server for one test run: a free loopback port, its own temporary data dir
// and its own redis-server (no --redis: the server starts one in the data dir and stops it on
// SIGTERM). The binary comes from $CHUHE_SERVER (ctest passes it), else build/bin/chuhe-server.
// `await server.close()` sends SIGTERM and waits for the exit (the tests call it in `finally`; a
// signal or an uncaught error in the test process also stops it).
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_DIR } from './browser.mjs';

export const SERVER_BIN = process.env.CHUHE_SERVER || join(REPO_DIR, 'build', 'bin', 'chuhe-server');

export async function startChuheServer(extraArgs = [], { startTimeoutMs = 30000 } = {}) {
  if (!existsSync(SERVER_BIN)) {
    throw new Error(`${SERVER_BIN} not found: cmake --build build --target chuhe-server (or set CHUHE_SERVER)`);
  }
  const data = mkdtempSync(join(tmpdir(), 'chuhe-e2e-'));
  const args = [
    '--listen', '127.0.0.1:0', '--data', data, '--web_root', join(REPO_DIR, 'web', 'dist'), '--log_level', 'warn',
    // Every browser context signs in as a guest from 127.0.0.1.
    '--guest_burst', '1000', '--guest_per_minute', '1000',
    ...extraArgs,
  ];
  const child = spawn(SERVER_BIN, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  let exited = null;
  const exitPromise = new Promise((resolve) => child.on('exit', (code, sig) => {
    exited = { code, sig };
    resolve(exited);
  }));
  child.stderr.on('data', (d) => {
    log += d;
    process.stderr.write(`[chuhe-server] ${d}`);
  });

  const url = await new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`chuhe-server did not report ready in ${startTimeoutMs} ms:\n${out}${log}`)), startTimeoutMs);
    child.stdout.on('data', (d) => {
      out += d;
      const m = /Chuhe is serving: open (http:\/\/127\.0\.0\.1:\d+)\//.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    exitPromise.then((e) => {
      clearTimeout(timer);
      reject(new Error(`chuhe-server exited before it was ready (${JSON.stringify(e)}):\n${out}${log}`));
    });
  }).catch(async (e) => {
    if (!exited) child.kill('SIGKILL');
    await exitPromise;
    rmSync(data, { recursive: true, force: true });
    throw e;
  });

  const onSignal = (sig) => {
    if (!exited) child.kill('SIGTERM');
    process.exit(sig === 'SIGINT' ? 130 : 143);
  };
  const onExit = () => { if (!exited) child.kill('SIGTERM'); };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  process.once('exit', onExit);

  let closing = null;
  return {
    url,
    port: Number(new URL(url).port),
    dataDir: data,
    log: () => log,
    close() {
      if (!closing) {
        closing = (async () => {
          if (!exited) child.kill('SIGTERM');
          const timer = setTimeout(() => { if (!exited) child.kill('SIGKILL'); }, 15000);
          const e = await exitPromise;
          clearTimeout(timer);
          process.off('SIGINT', onSignal);
          process.off('SIGTERM', onSignal);
          process.off('exit', onExit);
          rmSync(data, { recursive: true, force: true });
          return e;
        })();
      }
      return closing;
    },
  };
}

// An HTTP JSON GET against the server.
export async function getJson(server, path) {
  const r = await fetch(`${server.url}${path}`);
  return { status: r.status, body: r.headers.get('content-type')?.includes('json') ? await r.json() : await r.text() };
}

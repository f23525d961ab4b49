// Against the real chuhe-server: a browser plays the AI at level 1 as Red (the lobby's
// default time control) for several moves, and the AI answers each one with a legal move (checked with
// web/src/rules.js). If the server answers `challenge_ai` with an error (e.g. "unavailable" while the
// AI pool is not wired), the test FAILS and says so. No console errors, no error toasts.
//
// Usage: node tests/e2e/server-ai.mjs   (runs web/build.sh first; CHUHE_SERVER=path to the binary)
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { launch, openPage, checker, screenshotPath, REPO_DIR } from './lib/browser.mjs';
import { startChuheServer } from './lib/chuhe-server.mjs';
import { playMoves } from './lib/board.mjs';
import { recordFrames } from './lib/frames.mjs';
import { START_FEN, replay } from '../../web/src/rules.js';

if (!process.env.CHUHE_E2E_NO_BUILD) execFileSync(join(REPO_DIR, 'web', 'build.sh'), { stdio: 'inherit' });

const OUR_MOVES = 4; // Red moves; the AI answers each
const t = checker('server-ai');
const server = await startChuheServer();
let browser;
const game = (page) => page.evaluate(() => window.chuhe.game());
const online = (page) => page.waitForSelector('.conn[data-status="open"]', { timeout: 10000 });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

try {
  browser = await launch();
  const A = await openPage(browser);
  const rec = recordFrames(A.page);
  await A.page.goto(`${server.url}/`);
  await online(A.page);
  await A.page.click('.seg [data-level="1"]');
  await A.page.click('.seg [data-color="red"]');
  await A.page.click('#ai-play');

  // Either the game page opens, or the server refuses the challenge.
  const deadline = Date.now() + 15000;
  let refusal = null;
  let started = false;
  while (Date.now() < deadline && !started && !refusal) {
    started = (await A.page.evaluate(() => document.body.dataset.route === 'game' && !!window.chuhe.game()?.id));
    const ask = rec.sent('challenge_ai')[0];
    if (ask) refusal = rec.received('error').find((f) => f.msg.id === ask.msg.id) || null;
    if (!started && !refusal) await sleep(100);
  }
  if (refusal) {
    const e = refusal.msg;
    throw new Error(`the server refused challenge_ai: error ${JSON.stringify(e.code)} ${JSON.stringify(e.message)}` +
      (e.code === 'unavailable' ? ' (the AI pool is not wired into chuhe-server yet)' : ''));
  }
  if (!started) throw new Error('no game page 15 s after challenge_ai, and no error from the server');

  let g = await game(A.page);
  t.eq([g.role, g.color, g.status], ['player', 'red', 'playing'], `playing Red against the AI (${g.id})`);
  t.ok((await A.page.evaluate(() => location.hash)) === `#/game/${g.id}`, 'URL holds the game id');
  const start = rec.received('game_start').find((f) => f.msg.game === g.id);
  t.ok(start && start.msg.black?.ai === true && start.msg.black?.level === 1, `Black is the AI at level 1 (${JSON.stringify(start?.msg.black)})`);

  for (let k = 0; k < OUR_MOVES; k++) {
    // Any legal Red move, from the page's own position (prefer one that captures nothing).
    const move = await A.page.evaluate(() => {
      const v = window.chuhe.app.view;
      const p = v.g.positions[v.g.moves.length];
      const sq = (m) => String.fromCharCode(97 + (m % 9)) + Math.floor(m / 9);
      const moves = p.legalMoves();
      const quiet = moves.filter((m) => !p.board[m >> 7]);
      const list = quiet.length ? quiet : moves;
      const m = list[Math.floor(list.length / 2)];
      return sq(m & 127) + sq(m >> 7);
    });
    await playMoves(A.page, [move]);
    await A.page.waitForFunction((n) => window.chuhe.game()?.moves.length >= n || window.chuhe.game()?.status !== 'playing',
      2 * k + 2, { timeout: 20000 }).catch(() => {});
    g = await game(A.page);
    if (g.status !== 'playing') {
      t.ok(false, `the game ended early (${g.result} ${g.reason}) after ${g.moves.join(' ')}`);
      break;
    }
    t.eq(g.moves[2 * k], move, `our move ${k + 1} (${move}) was accepted`);
    if (!t.ok(g.moves.length === 2 * k + 2 && !g.pending, `the AI answered move ${k + 1} (${g.moves[2 * k + 1] ?? 'no answer in 20 s'})`)) break;
  }
  const { bad } = replay(START_FEN, g.moves);
  t.eq(bad, -1, `every move is legal per web/src/rules.js (${g.moves.join(' ')})`);
  const aiMoves = rec.received('move').filter((f) => f.msg.game === g.id && f.msg.ply % 2 === 1).map((f) => f.msg.move);
  t.eq(aiMoves, g.moves.filter((_, i) => i % 2 === 1), 'the AI moves came from the server as `move` messages');
  await A.page.screenshot({ path: screenshotPath('server-game-vs-ai.png') });

  t.eq(A.errors(), [], 'no console errors');
  t.eq(await A.errorToasts(), [], 'no error messages shown');
} catch (e) {
  t.ok(false, `exception: ${e.stack || e}`);
} finally {
  if (browser) await browser.close();
  await server.close();
}
process.exit(t.done() ? 0 : 1);

// Against the real chuhe-server: two players pair (1+0), play two moves, then each in turn waits a
// few seconds on its own clock and reloads the page mid-game. After the reload the page resumes the
// same game in the same colour, and the clocks it shows are those of the server's `state` (the one
// the reloaded page received, run on by the time since it came) to the second shown (1.5 s slack); the running clock
// keeps running; the game goes on. No console errors, no error toasts.
//
// Usage: node tests/e2e/server-resume.mjs   (runs web/build.sh first; CHUHE_SERVER=path to the binary)
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { launch, openPage, checker, screenshotPath, REPO_DIR } from './lib/browser.mjs';
import { startChuheServer } from './lib/chuhe-server.mjs';
import { playMoves } from './lib/board.mjs';
import { recordFrames } from './lib/frames.mjs';

if (!process.env.CHUHE_E2E_NO_BUILD) execFileSync(join(REPO_DIR, 'web', 'build.sh'), { stdio: 'inherit' });

const t = checker('server-resume');
const server = await startChuheServer();
let browser;
const game = (page) => page.evaluate(() => window.chuhe.game());
const waitMoves = (page, n, timeout = 10000) =>
  page.waitForFunction((n) => window.chuhe.game()?.moves.length >= n, n, { timeout });
const online = (page) => page.waitForSelector('.conn[data-status="open"]', { timeout: 10000 });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// "m:ss", "h:mm:ss" or "0:0s.t" -> ms
function parseClock(text) {
  const parts = text.trim().split(':').map(Number);
  if (parts.some((x) => Number.isNaN(x))) throw new Error(`clock text ${JSON.stringify(text)}`);
  return Math.round(parts.reduce((a, x) => a * 60 + x, 0) * 1000);
}
const shownClocks = async (page) => ({
  at: Date.now(),
  red: parseClock(await page.textContent('.clock[data-color="red"]')),
  black: parseClock(await page.textContent('.clock[data-color="black"]')),
});

// Reloads `who` (to move: `toMove`), then checks the clocks it shows against the `state` it got.
async function reloadAndCheck(who, rec, label, toMove, gameId, color, plies) {
  const before = rec.frames.length;
  await who.page.reload();
  await who.page.waitForFunction(([id, n]) => {
    const g = window.chuhe.game();
    return g && g.id === id && g.moves.length === n && g.status === 'playing';
  }, [gameId, plies], { timeout: 10000 });
  await who.page.waitForFunction(() => window.chuhe.app.view && !window.chuhe.app.view.syncing && window.chuhe.app.view.synced, null, { timeout: 10000 }).catch(() => {});
  const g = await game(who.page);
  t.eq([g.role, g.color, g.moves.length], ['player', color, plies], `${label}: after the reload the page resumes as ${color} with ${plies} moves`);
  const states = rec.frames.slice(before).filter((f) => f.dir === 'in' && f.msg.t === 'state' && f.msg.game === gameId);
  if (!t.ok(states.length > 0, `${label}: the reloaded page got the server's state`)) return;
  const st = states[states.length - 1];
  await sleep(300); // let the clock display tick at least once after the state
  const shown = await shownClocks(who.page);
  const other = toMove === 'red' ? 'black' : 'red';
  const want = { [toMove]: st.msg.clocks[toMove] - (shown.at - st.at), [other]: st.msg.clocks[other] };
  console.log(`  (${label}: state clocks ${JSON.stringify(st.msg.clocks)} ${shown.at - st.at} ms ago; shown red ${shown.red}, black ${shown.black})`);
  // The display shows whole seconds (rounded down): compare with the server's value rounded down too.
  const sec = (ms) => Math.floor(ms / 1000) * 1000;
  t.ok(Math.abs(shown[toMove] - sec(want[toMove])) <= 1500,
    `${label}: the running ${toMove} clock shows ${shown[toMove]} ms, the server's state says ${Math.round(want[toMove])} (within 1.5 s)`);
  t.ok(Math.abs(shown[other] - sec(want[other])) <= 1000,
    `${label}: the stopped ${other} clock shows ${shown[other]} ms, the server's state says ${want[other]} (within 1 s)`);
  await sleep(2100);
  const later = await shownClocks(who.page);
  const ran = shown[toMove] - later[toMove];
  t.ok(ran >= 1000 && ran <= 3200, `${label}: the ${toMove} clock keeps running after the reload (${ran} ms in ~2.1 s)`);
  t.eq(later[other], shown[other], `${label}: the ${other} clock stays put`);
  return st;
}

try {
  browser = await launch();
  const A = await openPage(browser);
  const B = await openPage(browser);
  for (const x of [A, B]) await x.page.goto(`${server.url}/`);
  for (const x of [A, B]) await online(x.page);
  await A.page.click('.tc-grid [data-tc="1+0"]');
  await A.page.waitForSelector('.tc-grid [data-tc="1+0"].seeking');
  await B.page.click('.tc-grid [data-tc="1+0"]');
  for (const x of [A, B]) await x.page.waitForSelector('body[data-route="game"] svg.board .pieces [data-sq]', { timeout: 5000 });
  const ga = await game(A.page);
  const [R, K] = ga.color === 'red' ? [A, B] : [B, A];
  const recR = recordFrames(R.page);
  const recK = recordFrames(K.page);
  t.ok(true, `paired 1+0 (${ga.id})`);

  await playMoves(R.page, ['h2e2']);
  await waitMoves(K.page, 1);
  await playMoves(K.page, ['h9g7']);
  await waitMoves(R.page, 2);
  t.ok(true, 'two moves played');

  // Red to move: Red's clock runs while Red waits, then Red reloads.
  await sleep(3500);
  const st1 = await reloadAndCheck(R, recR, 'Red reloads on its move', 'red', ga.id, 'red', 2);
  if (st1) t.ok(st1.msg.clocks.red < 60000 - 3000, `the server ran Red's clock while Red waited (${st1.msg.clocks.red} ms left)`);
  await playMoves(R.page, ['b0c2']);
  await waitMoves(K.page, 3);
  t.ok(true, 'Red moves after the reload; Black sees it');

  // Black to move: Black waits, then reloads.
  await sleep(3000);
  await reloadAndCheck(K, recK, 'Black reloads on its move', 'black', ga.id, 'black', 3);
  await playMoves(K.page, ['b9c7']);
  await waitMoves(R.page, 4);
  t.eq((await game(R.page)).moves, ['h2e2', 'h9g7', 'b0c2', 'b9c7'], 'Black moves after the reload; the game goes on');
  await K.page.screenshot({ path: screenshotPath('server-resume-black.png') });

  for (const [n, x] of Object.entries({ A, B })) t.eq(x.errors(), [], `no console errors on page ${n}`);
  for (const [n, x] of Object.entries({ A, B })) t.eq(await x.errorToasts(), [], `no error messages shown on page ${n}`);
} catch (e) {
  t.ok(false, `exception: ${e.stack || e}`);
} finally {
  if (browser) await browser.close();
  await server.close();
}
process.exit(t.done() ? 0 : 1);

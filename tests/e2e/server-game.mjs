// Against the real chuhe-server (its own redis-server, temporary data dir): two browser contexts
// pair by quick pairing (both click the same time control), and play a five-ply checkmate by
// clicking squares (lib/mate.mjs, checked legal and mating with web/src/rules.js first). A third
// context in the lobby finds the game in the live list (polled from GET /api/games/live: the server
// has no lobby push) and watches it; a fourth, phone-sized, opens the game's URL. Both spectators
// see every move and the result. Also: chat reaches the opponent and the spectators, a draw offer
// is shown and declined. No console errors and no error toasts anywhere. Screenshots: lobby, red,
// black (flipped), spectator, phone.
//
// Usage: node tests/e2e/server-game.mjs   (runs web/build.sh first; CHUHE_SERVER=path to the binary)
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { launch, openPage, screenshotPath, checker, REPO_DIR } from './lib/browser.mjs';
import { startChuheServer, getJson } from './lib/chuhe-server.mjs';
import { clickSquare, playMoves, pieceAt } from './lib/board.mjs';
import { MATE_LINE, verifyMate } from './lib/mate.mjs';

if (!process.env.CHUHE_E2E_NO_BUILD) execFileSync(join(REPO_DIR, 'web', 'build.sh'), { stdio: 'inherit' });

const t = checker('server-game');
const mateFen = verifyMate(MATE_LINE); // throws if the line rotted
t.ok(true, `mate line ${MATE_LINE.join(' ')} is legal and mates (${mateFen})`);

const server = await startChuheServer();
let browser;
const game = (page) => page.evaluate(() => window.chuhe.game());
const waitMoves = (page, n, timeout = 10000) =>
  page.waitForFunction((n) => window.chuhe.game()?.moves.length >= n, n, { timeout });
const online = (page) => page.waitForSelector('.conn[data-status="open"]', { timeout: 10000 });

try {
  browser = await launch();
  const A = await openPage(browser);
  const B = await openPage(browser);
  const C = await openPage(browser);
  const P = await openPage(browser, { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
  for (const x of [A, B, C]) await x.page.goto(`${server.url}/`);
  for (const x of [A, B, C]) await online(x.page);
  const nameA = await A.page.textContent('.me-name');
  t.ok(/^Guest/.test(nameA), `guest signed in (${nameA})`);

  // ---- quick pairing ----
  await A.page.click('.tc-grid [data-tc="3+2"]');
  await A.page.waitForSelector('.tc-grid [data-tc="3+2"].seeking');
  t.ok(true, 'A is seeking 3+2');
  await B.page.click('.tc-grid [data-tc="3+2"]');
  await A.page.waitForSelector('body[data-route="game"] svg.board .pieces [data-sq]', { timeout: 5000 });
  await B.page.waitForSelector('body[data-route="game"] svg.board .pieces [data-sq]', { timeout: 5000 });
  const ga = await game(A.page);
  const gb = await game(B.page);
  t.ok(ga.id && ga.id === gb.id, `paired into one game (${ga.id})`);
  t.eq([ga.role, gb.role, ga.status, gb.status], ['player', 'player', 'playing', 'playing'], 'both are players of a game in play');
  t.eq([ga.color, gb.color].sort(), ['black', 'red'], `one plays Red, the other Black (A ${ga.color}, B ${gb.color})`);
  const [R, K] = ga.color === 'red' ? [A, B] : [B, A];
  t.eq(await R.page.$eval('svg.board', (e) => e.dataset.flipped), 'false', "Red's board has Red at the bottom");
  t.eq(await K.page.$eval('svg.board', (e) => e.dataset.flipped), 'true', "Black's board is flipped");
  t.ok((await R.page.evaluate(() => location.hash)) === `#/game/${ga.id}`, 'URL holds the game id');

  // ---- spectators: C from the lobby list (polled), P by the game's URL ----
  await C.page.waitForSelector(`.game-list [data-game="${ga.id}"]`, { timeout: 15000 });
  t.ok(true, 'the game appears in the lobby list (GET /api/games/live polling)');
  const live = await getJson(server, '/api/games/live');
  t.ok(live.body.games?.some((x) => x.game === ga.id), 'GET /api/games/live lists the game');
  await C.page.screenshot({ path: screenshotPath('server-lobby.png') });
  await C.page.click(`.game-list [data-game="${ga.id}"]`);
  await C.page.waitForFunction((id) => window.chuhe.game()?.role === 'spectator' && window.chuhe.game()?.id === id, ga.id, { timeout: 10000 });
  t.ok(true, 'C watches from the lobby list');
  await P.page.goto(`${server.url}/#/game/${ga.id}`);
  await P.page.waitForFunction((id) => window.chuhe.game()?.role === 'spectator' && window.chuhe.game()?.id === id, ga.id, { timeout: 10000 });
  t.ok(true, 'P (phone) watches by opening the game URL');
  await clickSquare(C.page, 'b2');
  t.eq(await C.page.locator('svg.board .dest').count(), 0, 'a spectator cannot select pieces');
  await clickSquare(C.page, 'a9'); // drop any selection state

  // ---- chat and a declined draw offer ----
  await R.page.fill('.chat-input', 'good luck');
  await R.page.press('.chat-input', 'Enter');
  for (const x of [K, C, P]) await x.page.waitForSelector('.chat-log li:has-text("good luck")', { timeout: 5000 });
  t.ok(true, 'chat reaches the opponent and both spectators');
  await K.page.click('.controls .offer-draw');
  await R.page.waitForSelector('.banner.offer .decline-draw', { timeout: 5000 });
  t.ok(true, 'draw offer shown to the opponent');
  await R.page.click('.banner.offer .decline-draw');
  await R.page.waitForSelector('.banner.offer', { state: 'hidden', timeout: 5000 });
  t.ok(true, 'draw offer declined');

  // ---- the mate, move by move; every page sees every move ----
  for (let i = 0; i < MATE_LINE.length; i++) {
    const mover = i % 2 === 0 ? R : K;
    await playMoves(mover.page, [MATE_LINE[i]]);
    for (const x of [R, K, C, P]) await waitMoves(x.page, i + 1);
    const seen = await Promise.all([R, K, C, P].map((x) => game(x.page).then((g) => g.moves.join(' '))));
    t.eq(seen, Array(4).fill(MATE_LINE.slice(0, i + 1).join(' ')), `ply ${i} ${MATE_LINE[i]}: players and spectators agree`);
    if (i === 1) {
      t.eq(await pieceAt(C.page, 'c7'), 'c', 'spectator board shows the black cannon on c7');
      // Let the toasts (welcome, draw offer) fade so they do not hide the clocks in the screenshots.
      for (const x of [R, K, C, P]) await x.page.waitForSelector('.toast', { state: 'detached', timeout: 8000 }).catch(() => {});
      await R.page.screenshot({ path: screenshotPath('server-game-red.png') });
      await K.page.screenshot({ path: screenshotPath('server-game-black.png') });
      await C.page.screenshot({ path: screenshotPath('server-game-spectator.png') });
      await P.page.screenshot({ path: screenshotPath('server-game-phone.png'), fullPage: true });
      const mid = await getJson(server, `/api/games/${ga.id}`);
      console.log(`  (GET /api/games/${ga.id} while in play: ${mid.status} ${JSON.stringify(mid.body).slice(0, 200)})`);
    }
  }
  for (const x of [R, K, C, P]) await x.page.waitForSelector('.banner.end .result', { timeout: 8000 });
  for (const [n, x] of Object.entries({ red: R, black: K, spectator: C, phone: P })) {
    t.eq(await x.page.textContent('.banner .result'), 'Red wins by checkmate', `${n} sees "Red wins by checkmate"`);
    const g = await game(x.page);
    t.eq([g.status, g.result, g.reason], ['ended', '1-0', 'checkmate'], `${n}: game ended 1-0 by checkmate`);
  }
  t.eq(await K.page.locator('svg.board .check').count(), 1, 'the mated king is marked in check');
  // The end is journaled before anyone is told, so the archive already has it.
  const rec = await getJson(server, `/api/games/${ga.id}`);
  t.eq([rec.status, rec.body.moves, rec.body.result, rec.body.reason, rec.body.status], [200, MATE_LINE, '1-0', 'checkmate', 'ended'],
    'GET /api/games/{id} records the moves and the mate');
  const pgn = await fetch(`${server.url}/api/games/${ga.id}/export`);
  const text = await pgn.text();
  t.ok(pgn.status === 200 && text.includes('[Result "1-0"]') && text.includes('[Termination "checkmate"]'),
    'GET /api/games/{id}/export gives the PGN-style record');
  await K.page.screenshot({ path: screenshotPath('server-game-mate-black.png') });
  await C.page.screenshot({ path: screenshotPath('server-game-mate-spectator.png') });
  await P.page.screenshot({ path: screenshotPath('server-game-mate-phone.png'), fullPage: true });

  for (const [n, x] of Object.entries({ A, B, C, P })) t.eq(x.errors(), [], `no console errors on page ${n}`);
  for (const [n, x] of Object.entries({ A, B, C, P })) t.eq(await x.errorToasts(), [], `no error messages shown on page ${n}`);
} catch (e) {
  t.ok(false, `exception: ${e.stack || e}`);
} finally {
  if (browser) await browser.close();
  await server.close();
}
process.exit(t.done() ? 0 : 1);

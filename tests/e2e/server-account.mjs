// Against the real chuhe-server: identity and game-control flows of the browser client.
//   - a refused (bad) token in localStorage is replaced by a new guest token;
//   - register, log out (a guest again), a wrong password refused in the form, log in again;
//   - a game page for an unknown id says "Game not found";
//   - abort before any move (both players see "Game aborted"); resign after moves ("… by resignation"),
//     then "Rematch" seeks again with the same time control and pairs the two again.
// Connection errors this test causes on purpose are listed below; nothing else may reach the console.
//
// Usage: node tests/e2e/server-account.mjs   (runs web/build.sh first; CHUHE_SERVER=path to the binary)
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { launch, openPage, checker, REPO_DIR } from './lib/browser.mjs';
import { startChuheServer } from './lib/chuhe-server.mjs';
import { playMoves } from './lib/board.mjs';

if (!process.env.CHUHE_E2E_NO_BUILD) execFileSync(join(REPO_DIR, 'web', 'build.sh'), { stdio: 'inherit' });

const t = checker('server-account');
const server = await startChuheServer();
let browser;
const game = (page) => page.evaluate(() => window.chuhe.game());
const waitMoves = (page, n, timeout = 10000) =>
  page.waitForFunction((n) => window.chuhe.game()?.moves.length >= n, n, { timeout });
const online = (page) => page.waitForSelector('.conn[data-status="open"]', { timeout: 10000 });

// Pairs two lobby pages on time control `tc`; returns [red, black, gameId].
async function pair(X, Y, tc) {
  await X.page.click(`.tc-grid [data-tc="${tc}"]`);
  await X.page.waitForSelector(`.tc-grid [data-tc="${tc}"].seeking`);
  await Y.page.click(`.tc-grid [data-tc="${tc}"]`);
  for (const x of [X, Y]) await x.page.waitForSelector('body[data-route="game"] svg.board .pieces [data-sq]', { timeout: 5000 });
  const gx = await game(X.page);
  const gy = await game(Y.page);
  if (gx.id !== gy.id) throw new Error(`not paired into one game: ${gx.id} ${gy.id}`);
  return gx.color === 'red' ? [X, Y, gx.id] : [Y, X, gx.id];
}

try {
  browser = await launch();

  // ---- a refused token ----
  const E = await openPage(browser);
  await E.page.goto(`${server.url}/`);
  await online(E.page);
  await E.page.evaluate(() => localStorage.setItem('chuhe.token', 'not-a-valid-token'));
  await E.page.reload();
  await online(E.page);
  const tokenE = await E.page.evaluate(() => localStorage.getItem('chuhe.token'));
  t.ok(tokenE && tokenE !== 'not-a-valid-token', 'a refused token is replaced by a new guest token');

  // ---- unknown game ----
  await E.page.goto(`${server.url}/#/game/nope`);
  await E.page.waitForSelector('.banner.end:has-text("Game not found")', { timeout: 10000 });
  t.ok(true, 'unknown game id: "Game not found"');

  // ---- register, log out, log in ----
  const name = `e2e_${Date.now() % 1000000}`;
  await E.page.goto(`${server.url}/#/`);
  await online(E.page);
  await E.page.click('header .register');
  await E.page.fill('dialog.auth input[name="name"]', name);
  await E.page.fill('dialog.auth input[name="password"]', 'secret-pass');
  await E.page.click('dialog.auth button[type="submit"]');
  await E.page.waitForSelector('header .logout', { timeout: 5000 });
  t.eq(await E.page.textContent('.me-name'), name, 'registered: name shown, log out offered');
  await online(E.page);
  await E.page.click('header .logout');
  await E.page.waitForSelector('header .login', { timeout: 5000 });
  await online(E.page);
  t.ok(/^Guest/.test(await E.page.textContent('.me-name')), 'logged out: a guest again');
  await E.page.click('header .login');
  await E.page.fill('dialog.auth input[name="name"]', name);
  await E.page.fill('dialog.auth input[name="password"]', 'wrong-pass');
  await E.page.click('dialog.auth button[type="submit"]');
  await E.page.waitForSelector('dialog.auth .form-error:has-text("Wrong name or password")', { timeout: 5000 });
  t.ok(true, 'wrong password refused in the form');
  await E.page.fill('dialog.auth input[name="password"]', 'secret-pass');
  await E.page.click('dialog.auth button[type="submit"]');
  await E.page.waitForSelector('header .logout', { timeout: 5000 });
  await online(E.page);
  t.eq(await E.page.textContent('.me-name'), name, 'logged in again');

  // ---- abort, resign, rematch ----
  const A = await openPage(browser);
  const B = await openPage(browser);
  for (const x of [A, B]) await x.page.goto(`${server.url}/`);
  for (const x of [A, B]) await online(x.page);
  let [R, K, id] = await pair(A, B, '5+3');
  t.ok(true, `paired 5+3 (${id})`);
  t.eq(await R.page.locator('.controls .abort').count(), 1, 'abort offered before any move');
  await R.page.click('.controls .abort');
  for (const x of [R, K]) await x.page.waitForSelector('.banner.end .result', { timeout: 5000 });
  for (const x of [R, K]) t.eq(await x.page.textContent('.banner .result'), 'Game aborted', 'both see "Game aborted"');

  for (const x of [A, B]) await x.page.goto(`${server.url}/#/`);
  for (const x of [A, B]) await online(x.page);
  [R, K, id] = await pair(A, B, '10+5');
  await playMoves(R.page, ['h2e2']);
  await waitMoves(K.page, 1);
  await playMoves(K.page, ['h9g7']);
  await waitMoves(R.page, 2);
  t.eq(await R.page.locator('.controls .abort').count(), 0, 'no abort after both sides moved');
  await K.page.click('.controls .resign');
  await K.page.click('.controls .resign');
  for (const x of [R, K]) await x.page.waitForSelector('.banner.end .result', { timeout: 5000 });
  for (const x of [R, K]) t.eq(await x.page.textContent('.banner .result'), 'Red wins by resignation', 'both see "Red wins by resignation"');
  const g = await game(K.page);
  t.eq([g.status, g.result, g.reason], ['ended', '1-0', 'resign'], 'game ended 1-0 by resignation');

  t.eq(await R.page.locator('.controls .rematch').count(), 1, 'rematch offered');
  await R.page.click('.controls .rematch');
  await K.page.click('.controls .rematch');
  for (const x of [R, K]) await x.page.waitForFunction((old) => window.chuhe.game()?.id && window.chuhe.game().id !== old && window.chuhe.game().status === 'playing', id, { timeout: 8000 });
  const [g1, g2] = [await game(R.page), await game(K.page)];
  t.ok(g1.id === g2.id, `rematch pairs the two again (${g1.id})`);

  // Expected noise: the upgrade refused with the bad token, the 404 of the unknown game, the 401 of the wrong password.
  const allowed = {
    E: [/WebSocket connection to .*token=not-a-valid-token.* failed/, /status of 404 .*\/api\/games\/nope/, /status of 401 .*\/api\/auth\/login/],
    A: [],
    B: [],
  };
  for (const [n, x] of Object.entries({ E, A, B })) {
    const errs = x.errors(allowed[n]);
    t.eq(errs, [], `no console errors on page ${n}${errs.length ? `: ${errs.join(' | ')}` : ''}`);
  }
  for (const [n, x] of Object.entries({ A, B })) t.eq(await x.errorToasts(), [], `no error messages shown on page ${n}`);
  console.log(`  (page E console, all: ${JSON.stringify(E.all())})`);
} catch (e) {
  t.ok(false, `exception: ${e.stack || e}`);
} finally {
  if (browser) await browser.close();
  await server.close();
}
process.exit(t.done() ? 0 : 1);

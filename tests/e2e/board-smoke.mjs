// Smoke test of the browser client with no game server behind it: web/dist is served by a tiny
// static server whose /api/* answers 503 and whose WebSocket upgrades are refused.
// Checks the practice board (#/demo): it renders, clicking a piece shows its legal destinations,
// click-click and drag both move, the board flips for Black, touch works on a phone-sized screen,
// and the only console errors are the expected connection failures. Screenshots go to artifacts/.
//
// Usage: node tests/e2e/board-smoke.mjs   (runs web/build.sh first: fast when nothing changed)
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { launch, openPage, screenshotPath, checker, CONNECTION_NOISE, REPO_DIR } from './lib/browser.mjs';
import { serveStatic } from './lib/static-server.mjs';
import { clickSquare, dragSquare, tapSquare, destinations, pieceAt, squareCenter } from './lib/board.mjs';

const dist = join(REPO_DIR, 'web', 'dist');
if (!process.env.CHUHE_E2E_NO_BUILD) execFileSync(join(REPO_DIR, 'web', 'build.sh'), { stdio: 'inherit' });
if (!existsSync(join(dist, 'index.html'))) throw new Error('web/dist/index.html missing: run web/build.sh');

const t = checker('board-smoke');
const server = await serveStatic(dist);
const browser = await launch();
try {
  // ---- desktop, Red at the bottom ----
  const { page, errors } = await openPage(browser);
  await page.goto(`${server.url}/#/demo`);
  await page.waitForSelector('svg.board .pieces [data-sq]');
  const glyphs = await page.evaluate(() => document.documentElement.dataset.glyphs);
  console.log(`  (piece glyphs: ${glyphs === 'cjk' ? 'Chinese characters from a system CJK font' : 'Latin letters, no CJK font found'})`);
  t.eq(await page.locator('svg.board .pieces .piece').count(), 32, 'start position shows 32 pieces');
  t.eq(await pieceAt(page, 'e0'), 'K', 'red king on e0');
  t.eq(await pieceAt(page, 'h9'), 'n', 'black horse on h9');
  const kingText = await page.textContent('svg.board .pieces [data-sq="e0"] text');
  t.eq(kingText, glyphs === 'cjk' ? '帥' : 'K', 'red king drawn as 帥 (or K without CJK fonts)');
  t.eq(await page.locator('svg.board .river').count(), 2, 'river inscriptions drawn');
  t.ok(await page.locator('svg.board .mark').count() === 14, 'cannon and soldier position marks drawn');
  const e0 = await squareCenter(page, 'e0');
  const e9 = await squareCenter(page, 'e9');
  t.ok(e0.y > e9.y, 'Red at the bottom by default');

  await clickSquare(page, 'h2');
  t.eq(await destinations(page),
    ['c2', 'd2', 'e2', 'f2', 'g2', 'h1', 'h3', 'h4', 'h5', 'h6', 'h9', 'i2'], 'cannon h2 shows its 12 legal destinations');
  t.eq(await page.locator('svg.board .dest.capture').count(), 1, 'the capture h2xh9 is marked as a capture');
  await page.screenshot({ path: screenshotPath('demo-selected.png') });
  await clickSquare(page, 'e2');
  await page.waitForTimeout(250);
  t.eq(await pieceAt(page, 'e2'), 'C', 'click-click moved the cannon to e2');
  t.eq(await pieceAt(page, 'h2'), null, 'h2 is empty');
  const first = await page.textContent('.moves [data-ply="0"]');
  t.ok(first.includes('h2e2') && (first.includes('炮二平五') || first.includes('C2.5')), `move list shows ${first}`);

  await clickSquare(page, 'e0');
  t.eq(await destinations(page), [], 'a black move is due: red pieces are not selectable');
  await dragSquare(page, 'h9', 'g7');
  await page.waitForTimeout(100);
  t.eq(await pieceAt(page, 'g7'), 'n', 'drag moved the black horse to g7');
  const second = await page.textContent('.moves [data-ply="1"]');
  t.ok(second.includes('h9g7') && (second.includes('马８进７') || second.includes('H8+7')), `move list shows ${second}`);
  await clickSquare(page, 'e2');
  await clickSquare(page, 'e6');
  await page.waitForTimeout(250);
  t.eq(await pieceAt(page, 'e6'), 'C', 'the cannon captured on e6 over the screen');
  await page.screenshot({ path: screenshotPath('demo-red.png') });

  // Illegal target: the selection is kept or dropped, nothing moves.
  await clickSquare(page, 'a9');
  t.eq(await destinations(page), ['a7', 'a8'], 'black chariot a9 has two destinations');
  await clickSquare(page, 'a5');
  t.eq(await pieceAt(page, 'a9'), 'r', 'clicking a square that is not legal does not move');

  // ---- flipped for Black ----
  await page.goto(`${server.url}/#/demo/black`);
  await page.waitForSelector('svg.board[data-flipped="true"]');
  const b0 = await squareCenter(page, 'e0');
  const b9 = await squareCenter(page, 'e9');
  t.ok(b0.y < b9.y, 'flipped: Black at the bottom');
  const a0 = await squareCenter(page, 'a0');
  t.ok(a0.x > b0.x, 'flipped: file a on the right');
  await clickSquare(page, 'b0');
  t.eq(await destinations(page), ['a2', 'c2'], 'horse b0 can go to a2 and c2 (flipped hit-testing)');
  await page.screenshot({ path: screenshotPath('demo-black.png') });

  // ---- lobby with no server ----
  await page.goto(`${server.url}/#/`);
  await page.waitForSelector('.lobby .tc-grid button[data-tc="3+2"]');
  await page.waitForTimeout(1500);
  t.ok(await page.$eval('.conn', (e) => e.dataset.status !== 'open'), 'lobby shows not connected');
  t.eq(await page.locator('.lobby button.tc').count(), 4, 'four quick-pairing time controls');
  t.eq(await page.locator('.seg [data-level]').count(), 9, 'AI levels 1-9 (9: the network)');
  await page.screenshot({ path: screenshotPath('lobby-offline.png') });

  const unexpected = errors(CONNECTION_NOISE);
  t.eq(unexpected, [], 'no console errors besides connection failures');

  // ---- phone: touch ----
  const phone = await openPage(browser, { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
  await phone.page.goto(`${server.url}/#/demo`);
  await phone.page.waitForSelector('svg.board .pieces [data-sq]');
  const width = await phone.page.$eval('svg.board', (e) => e.getBoundingClientRect().width);
  t.ok(width > 360 && width <= 390, `board fills the phone's width (${Math.round(width)} px)`);
  const overflow = await phone.page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
  t.ok(!overflow, 'no horizontal scrolling on a phone');
  await tapSquare(phone.page, 'b0');
  t.eq(await destinations(phone.page), ['a2', 'c2'], 'tap selects the horse');
  await tapSquare(phone.page, 'c2');
  await phone.page.waitForTimeout(250);
  t.eq(await pieceAt(phone.page, 'c2'), 'N', 'tap-tap moved the horse');
  await phone.page.screenshot({ path: screenshotPath('demo-phone.png'), fullPage: true });
  t.eq(phone.errors(CONNECTION_NOISE), [], 'no console errors on the phone page');
} catch (e) {
  t.ok(false, `exception: ${e.stack || e}`);
} finally {
  await browser.close();
  await server.close();
}
process.exit(t.done() ? 0 : 1);

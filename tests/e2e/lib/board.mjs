// Board geometry for tests: the client draws the board in SVG user units, 100 per intersection,
// with margins of 70 (x) and 90 (y); files a-i, ranks 0-9 as in ICCS; data-flipped="true" when
// Black is at the bottom. These helpers turn a square name into a point on the screen.

const MX = 70;
const MY = 90;
const CELL = 100;

export async function squareCenter(page, sq, boardSel = 'svg.board') {
  return page.$eval(boardSel, (svg, [sq, MX, MY, CELL]) => {
    const f = sq.charCodeAt(0) - 97;
    const r = Number(sq[1]);
    const flipped = svg.dataset.flipped === 'true';
    const col = flipped ? 8 - f : f;
    const row = flipped ? r : 9 - r;
    const pt = svg.createSVGPoint();
    pt.x = MX + col * CELL;
    pt.y = MY + row * CELL;
    const p = pt.matrixTransform(svg.getScreenCTM());
    return { x: p.x, y: p.y };
  }, [sq, MX, MY, CELL]);
}

export async function clickSquare(page, sq) {
  const { x, y } = await squareCenter(page, sq);
  await page.mouse.click(x, y);
}

export async function tapSquare(page, sq) {
  const { x, y } = await squareCenter(page, sq);
  await page.touchscreen.tap(x, y);
}

export async function dragSquare(page, from, to) {
  const a = await squareCenter(page, from);
  const b = await squareCenter(page, to);
  await page.mouse.move(a.x, a.y);
  await page.mouse.down();
  for (let i = 1; i <= 8; i++) await page.mouse.move(a.x + ((b.x - a.x) * i) / 8, a.y + ((b.y - a.y) * i) / 8);
  await page.mouse.up();
}

// Plays ICCS moves by clicking from-square then to-square.
export async function playMoves(page, moves) {
  for (const m of moves) {
    await clickSquare(page, m.slice(0, 2));
    await clickSquare(page, m.slice(2, 4));
  }
}

export const destinations = (page) =>
  page.$$eval('svg.board .dest', (els) => els.map((e) => e.dataset.sq).sort());

export const pieceAt = (page, sq) =>
  page.$eval('svg.board', (svg, sq) => svg.querySelector(`.pieces [data-sq="${sq}"]`)?.dataset.piece ?? null, sq);

// The board, drawn in SVG: 9x10 intersections, river, palaces, position marks, round pieces.
// Click a piece then a destination, or drag it; legal destinations, the last move and check are
// marked. Every piece carries data-sq (ICCS square) and data-piece (FEN letter) for tests.

import { svg, CJK_FONTS } from './ui.js';
import {
  RED, BLACK, fileOf, rankOf, square, squareName, pieceColor, pieceType, makeMove, moveFrom, moveTo,
} from './rules.js';

const CELL = 100;
const MX = 70; // margin left/right: room for half a piece and the frame
const MY = 90; // margin top/bottom: room for the file numbers too
const W = 2 * MX + 8 * CELL;
const H = 2 * MY + 9 * CELL;
const DRAG_START = 8; // user units the pointer must travel before a press becomes a drag

const CJK_PIECES = [
  ['', '帥', '仕', '相', '傌', '俥', '炮', '兵'],
  ['', '將', '士', '象', '馬', '車', '砲', '卒'],
];
const LATIN_PIECES = ['', 'K', 'A', 'E', 'H', 'R', 'C', 'P'];
const FEN_LETTERS = ['', 'k', 'a', 'b', 'n', 'r', 'c', 'p'];
const RED_NUMERALS = ['', '一', '二', '三', '四', '五', '六', '七', '八', '九'];

export class BoardView {
  // onMove(move, {dragged}) is called for a legal move by the side in `movable`.
  constructor({ onMove, cjk }) {
    this.onMove = onMove;
    this.cjk = cjk;
    this.pos = null;
    this.flipped = false;
    this.movable = null; // RED, BLACK, 'both' or null (read-only)
    this.lastMove = null;
    this.selected = -1;
    this.dests = new Map(); // from -> Set(to)
    this.drag = null;

    this.svg = svg('svg', {
      class: 'board',
      viewBox: `0 0 ${W} ${H}`,
      role: 'img',
      'aria-label': 'Xiangqi board',
    });
    this.defs = svg('defs', {},
      gradient('wood', [['0', '#f1d49a'], ['0.55', '#e6bd76'], ['1', '#d9a95e']], true),
      gradient('piece', [['0', '#fbf0d6'], ['0.7', '#f0d9a6'], ['1', '#d8b475']]),
      gradient('check', [['0', 'rgba(230,30,20,0.85)'], ['0.6', 'rgba(230,30,20,0.45)'], ['1', 'rgba(230,30,20,0)']]),
    );
    this.staticLayer = svg('g', { class: 'grid' });
    this.markLayer = svg('g', { class: 'marks' });
    this.pieceLayer = svg('g', { class: 'pieces' });
    this.overlayLayer = svg('g', { class: 'overlay' });
    this.dragLayer = svg('g', { class: 'drag' });
    this.svg.append(this.defs, this.staticLayer, this.markLayer, this.pieceLayer, this.overlayLayer, this.dragLayer);
    this.el = document.createElement('div');
    this.el.className = 'board-wrap';
    this.el.append(this.svg);
    this.drawStatic();

    this.svg.addEventListener('pointerdown', (e) => this.pointerDown(e));
    this.svg.addEventListener('pointermove', (e) => this.pointerMove(e));
    this.svg.addEventListener('pointerup', (e) => this.pointerUp(e));
    this.svg.addEventListener('pointercancel', () => this.cancelDrag());
    this.svg.addEventListener('contextmenu', (e) => e.preventDefault());
  }

  // pos: Position; opts: {lastMove, movable, flipped, animate (a move to slide), check}
  update(pos, opts = {}) {
    const flippedChanged = opts.flipped !== undefined && opts.flipped !== this.flipped;
    if (opts.flipped !== undefined) this.flipped = opts.flipped;
    if (flippedChanged) this.drawStatic();
    this.svg.dataset.flipped = String(this.flipped);
    this.pos = pos;
    this.lastMove = opts.lastMove ?? null;
    this.movable = opts.movable ?? null;
    this.dests = new Map();
    if (pos && this.movable !== null && (this.movable === 'both' || this.movable === pos.turn)) {
      for (const m of pos.legalMoves()) {
        const from = moveFrom(m);
        if (!this.dests.has(from)) this.dests.set(from, new Set());
        this.dests.get(from).add(moveTo(m));
      }
    }
    if (!this.dests.has(this.selected)) this.selected = -1;
    this.cancelDrag(false);
    this.render(opts.animate ?? null);
  }

  setFlipped(flipped) {
    this.update(this.pos, { lastMove: this.lastMove, movable: this.movable, flipped });
  }

  xy(sq) {
    const f = fileOf(sq);
    const r = rankOf(sq);
    const col = this.flipped ? 8 - f : f;
    const row = this.flipped ? r : 9 - r;
    return [MX + col * CELL, MY + row * CELL];
  }

  sqAt(x, y) {
    const col = Math.round((x - MX) / CELL);
    const row = Math.round((y - MY) / CELL);
    if (col < 0 || col > 8 || row < 0 || row > 9) return -1;
    return this.flipped ? square(8 - col, row) : square(col, 9 - row);
  }

  drawStatic() {
    const g = this.staticLayer;
    g.replaceChildren();
    const L = (x1, y1, x2, y2, cls = 'line') =>
      svg('line', { x1, y1, x2, y2, class: cls });
    const X = (c) => MX + c * CELL;
    const Y = (r) => MY + r * CELL;
    g.append(svg('rect', { x: 0, y: 0, width: W, height: H, rx: 18, fill: 'url(#wood)', class: 'wood' }));
    g.append(svg('rect', { x: X(0) - 16, y: Y(0) - 16, width: 8 * CELL + 32, height: 9 * CELL + 32, class: 'frame' }));
    for (let r = 0; r <= 9; r++) g.append(L(X(0), Y(r), X(8), Y(r), r === 0 || r === 9 ? 'edge' : 'line'));
    for (let c = 0; c <= 8; c++) {
      if (c === 0 || c === 8) g.append(L(X(c), Y(0), X(c), Y(9), 'edge'));
      else g.append(L(X(c), Y(0), X(c), Y(4)), L(X(c), Y(5), X(c), Y(9)));
    }
    // Palaces: the diagonals are symmetric, so they do not depend on which side is at the bottom.
    g.append(L(X(3), Y(0), X(5), Y(2)), L(X(5), Y(0), X(3), Y(2)));
    g.append(L(X(3), Y(7), X(5), Y(9)), L(X(5), Y(7), X(3), Y(9)));
    // Position marks where cannons and soldiers start.
    const mark = (c, r) => {
      const d = 9;
      const l = 18;
      let p = '';
      for (const sx of [-1, 1]) {
        if ((c === 0 && sx < 0) || (c === 8 && sx > 0)) continue;
        for (const sy of [-1, 1]) {
          const x = X(c) + sx * d;
          const y = Y(r) + sy * d;
          p += `M${x + sx * l},${y}H${x}V${y + sy * l}`;
        }
      }
      g.append(svg('path', { d: p, class: 'mark' }));
    };
    for (const r of [2, 7]) for (const c of [1, 7]) mark(c, r);
    for (const r of [3, 6]) for (const c of [0, 2, 4, 6, 8]) mark(c, r);
    // River.
    const riverY = (Y(4) + Y(5)) / 2;
    const [left, right] = this.cjk ? ['楚 河', '漢 界'] : ['CHU  RIVER', 'HAN  BORDER'];
    const cls = this.cjk ? 'river cjk' : 'river latin';
    g.append(svg('text', { x: (X(1) + X(3)) / 2, y: riverY, class: cls, 'font-family': this.cjk ? CJK_FONTS : null }, left));
    g.append(svg('text', { x: (X(5) + X(7)) / 2, y: riverY, class: cls, 'font-family': this.cjk ? CJK_FONTS : null }, right));
    // File numbers, each side counting from its own right.
    const bottom = this.flipped ? BLACK : RED;
    for (let c = 0; c <= 8; c++) {
      const file = this.flipped ? 8 - c : c;
      for (const [color, y] of [[bottom, H - 30], [1 - bottom, 30]]) {
        const n = color === RED ? 9 - file : file + 1;
        const label = color === RED && this.cjk ? RED_NUMERALS[n] : String(n);
        g.append(svg('text', {
          x: X(c), y, class: `coord ${color === RED ? 'red' : 'black'}`,
          'font-family': this.cjk && color === RED ? CJK_FONTS : null,
        }, label));
      }
    }
  }

  pieceNode(sq, p) {
    const color = pieceColor(p);
    const type = pieceType(p);
    const [x, y] = this.xy(sq);
    const letter = FEN_LETTERS[type];
    const g = svg('g', {
      class: `piece ${color === RED ? 'red' : 'black'}${this.dests.has(sq) ? ' movable' : ''}`,
      'data-sq': squareName(sq),
      'data-piece': color === RED ? letter.toUpperCase() : letter,
    });
    g.style.transform = `translate(${x}px, ${y}px)`;
    g.append(
      svg('circle', { r: 45, cx: 2, cy: 5, class: 'shadow' }),
      svg('circle', { r: 45, class: 'disc', fill: 'url(#piece)' }),
      svg('circle', { r: 37, class: 'ring' }),
    );
    const text = this.cjk ? CJK_PIECES[color][type] : LATIN_PIECES[type];
    g.append(svg('text', {
      class: this.cjk ? 'glyph cjk' : 'glyph latin',
      'font-family': this.cjk ? CJK_FONTS : null,
    }, text));
    return g;
  }

  render(animate) {
    const pos = this.pos;
    this.pieceLayer.replaceChildren();
    this.markLayer.replaceChildren();
    this.dragLayer.replaceChildren();
    if (!pos) {
      this.renderOverlay();
      return;
    }
    if (this.lastMove !== null) {
      const [fx, fy] = this.xy(moveFrom(this.lastMove));
      const [tx, ty] = this.xy(moveTo(this.lastMove));
      this.markLayer.append(
        svg('circle', { cx: fx, cy: fy, r: 30, class: 'last-from' }),
        svg('circle', { cx: tx, cy: ty, r: 52, class: 'last-to' }),
      );
    }
    for (const color of [RED, BLACK]) {
      if (!pos.inCheck(color)) continue;
      const [kx, ky] = this.xy(pos.kingSquare(color));
      this.markLayer.append(svg('circle', { cx: kx, cy: ky, r: 60, fill: 'url(#check)', class: 'check' }));
    }
    let moving = null;
    for (let sq = 0; sq < 90; sq++) {
      const p = pos.board[sq];
      if (!p) continue;
      const node = this.pieceNode(sq, p);
      if (animate !== null && sq === moveTo(animate)) moving = node;
      else this.pieceLayer.append(node);
    }
    if (moving) {
      // Slide from the origin square: start there, flush styles, then set the real place.
      this.pieceLayer.append(moving);
      const target = moving.style.transform;
      const [fx, fy] = this.xy(moveFrom(animate));
      moving.classList.add('no-anim');
      moving.style.transform = `translate(${fx}px, ${fy}px)`;
      moving.getBoundingClientRect();
      moving.classList.remove('no-anim');
      moving.style.transform = target;
    }
    this.renderOverlay();
  }

  renderOverlay() {
    const o = this.overlayLayer;
    o.replaceChildren();
    if (this.selected < 0 || !this.pos) return;
    const [sx, sy] = this.xy(this.selected);
    o.append(svg('circle', { cx: sx, cy: sy, r: 49, class: 'selected' }));
    for (const to of this.dests.get(this.selected) || []) {
      const [x, y] = this.xy(to);
      const capture = this.pos.board[to] !== 0;
      o.append(svg('circle', {
        cx: x, cy: y, r: capture ? 46 : 14,
        class: capture ? 'dest capture' : 'dest',
        'data-sq': squareName(to),
      }));
    }
  }

  point(e) {
    const pt = this.svg.createSVGPoint();
    pt.x = e.clientX;
    pt.y = e.clientY;
    const ctm = this.svg.getScreenCTM();
    return ctm ? pt.matrixTransform(ctm.inverse()) : { x: -1, y: -1 };
  }

  select(sq) {
    this.selected = sq;
    this.renderOverlay();
  }

  play(from, to, dragged) {
    this.selected = -1;
    this.renderOverlay();
    this.onMove(makeMove(from, to), { dragged });
  }

  pointerDown(e) {
    if (e.pointerType === 'mouse' && e.button !== 0) return;
    if (!this.pos) return;
    const { x, y } = this.point(e);
    const sq = this.sqAt(x, y);
    if (sq < 0) return;
    if (this.selected >= 0 && this.dests.get(this.selected)?.has(sq)) {
      e.preventDefault();
      this.play(this.selected, sq, false);
      return;
    }
    if (this.dests.has(sq)) {
      e.preventDefault();
      const wasSelected = this.selected === sq;
      this.select(sq);
      this.drag = { sq, x, y, id: e.pointerId, moved: false, wasSelected, node: null };
      try {
        this.svg.setPointerCapture(e.pointerId);
      } catch {
        // synthetic events in tests have no capturable pointer
      }
      return;
    }
    if (this.selected >= 0) this.select(-1);
  }

  pointerMove(e) {
    const d = this.drag;
    if (!d || e.pointerId !== d.id) return;
    const { x, y } = this.point(e);
    if (!d.moved) {
      if (Math.hypot(x - d.x, y - d.y) < DRAG_START) return;
      d.moved = true;
      d.node = this.pieceLayer.querySelector(`[data-sq="${squareName(d.sq)}"]`);
      if (d.node) {
        d.node.classList.add('dragging', 'no-anim');
        this.dragLayer.append(d.node);
      }
    }
    e.preventDefault();
    if (d.node) d.node.style.transform = `translate(${x}px, ${y}px) scale(1.12)`;
  }

  pointerUp(e) {
    const d = this.drag;
    if (!d || e.pointerId !== d.id) return;
    this.drag = null;
    const { x, y } = this.point(e);
    const sq = this.sqAt(x, y);
    if (!d.moved) {
      if (d.wasSelected && sq === d.sq) this.select(-1);
      return;
    }
    if (sq >= 0 && sq !== d.sq && this.dests.get(d.sq)?.has(sq)) {
      this.play(d.sq, sq, true);
      return;
    }
    this.render(null);
    if (sq !== d.sq) this.select(-1);
  }

  cancelDrag(redraw = true) {
    if (!this.drag) return;
    const moved = this.drag.moved;
    this.drag = null;
    if (redraw && moved) this.render(null);
  }
}

function gradient(id, stops, linear = false) {
  const el = svg(linear ? 'linearGradient' : 'radialGradient', linear
    ? { id, x1: '0', y1: '0', x2: '1', y2: '1' }
    : { id, cx: '0.42', cy: '0.38', r: '0.65' });
  for (const [offset, color] of stops) el.append(svg('stop', { offset, 'stop-color': color }));
  return el;
}


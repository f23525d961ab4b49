// A local board with no server: both sides move, for practice and for the browser smoke test
// (#/demo, or #/demo/black to see it from Black's side).

import { h, fill } from './ui.js';
import { Position, START_FEN, moveToIccs, parseIccs, RED } from './rules.js';
import { BoardView } from './board.js';
import { MoveList } from './movelist.js';

export class DemoView {
  constructor(app, { flipped = false } = {}) {
    this.app = app;
    this.flipped = flipped;
    this.positions = [Position.fromFen(START_FEN)];
    this.moves = [];
    this.viewPly = null;
    this.board = new BoardView({ cjk: app.cjk, onMove: (m, o) => this.play(m, o) });
    this.moveList = new MoveList({ cjk: app.cjk, onSelect: (i) => this.show(i) });
    this.status = h('div.status-line');
    this.controls = h('div.controls');
    const bar = (label) => h('div.player-bar', h('span.pname', label));
    this.el = h('section.game-view.demo',
      h('div.board-col', bar(''), this.board.el, bar('')),
      h('aside.side',
        h('div.game-head', h('span.game-tc', 'Practice board'), h('a.watchers', { href: '#/' }, 'Lobby')),
        this.status, this.controls, this.moveList.el));
    this.render(null);
  }

  dispose() {}

  play(m, how) {
    if (this.viewPly !== null) {
      this.moves.length = this.viewPly;
      this.positions.length = this.viewPly + 1;
      this.viewPly = null;
    }
    const pos = this.positions[this.positions.length - 1];
    this.moves.push(moveToIccs(m));
    this.positions.push(pos.play(m));
    this.render(how && how.dragged ? null : m);
  }

  show(i) {
    this.viewPly = i === null || i >= this.moves.length ? null : i;
    this.render(null);
  }

  render(animate) {
    const idx = this.viewPly === null ? this.moves.length : this.viewPly;
    const pos = this.positions[idx];
    const legal = pos.legalMoves().length;
    this.board.update(pos, {
      flipped: this.flipped,
      lastMove: idx > 0 ? parseIccs(this.moves[idx - 1]) : null,
      movable: 'both',
      animate,
    });
    this.moveList.update(this.positions, this.moves, idx);
    const side = pos.turn === RED ? 'Red' : 'Black';
    this.status.textContent = legal === 0
      ? `${side} has no legal move: ${side === 'Red' ? 'Black' : 'Red'} wins`
      : `${side} to move${pos.inCheck() ? ' · check' : ''} · ${legal} legal moves`;
    this.status.dataset.turn = pos.turn === RED ? 'red' : 'black';
    const btn = (cls, label, onclick, disabled = false) => h(`button.${cls}`, { type: 'button', onclick, disabled }, label);
    fill(this.controls,
      btn('undo', 'Undo', () => {
        if (!this.moves.length) return;
        this.viewPly = null;
        this.moves.pop();
        this.positions.pop();
        this.render(null);
      }, this.moves.length === 0),
      btn('reset', 'Reset', () => {
        this.moves = [];
        this.positions = [this.positions[0]];
        this.viewPly = null;
        this.render(null);
      }),
      btn('flip', 'Flip board', () => {
        this.flipped = !this.flipped;
        this.render(null);
      }));
  }
}

// The move list: one row per move number, Red then Black, each move in Chinese notation (or WXF
// when no CJK font is available) with its ICCS form beside it. Clicking a move shows that position.

import { h } from './ui.js';
import { parseIccs } from './rules.js';
import { chineseMove, wxfMove } from './notation.js';

export class MoveList {
  // onSelect(index): index of the position to show (i = after move i-1), or null for live.
  constructor({ cjk, onSelect }) {
    this.cjk = cjk;
    this.onSelect = onSelect;
    this.body = h('ol.moves', { 'aria-label': 'Moves' });
    this.el = h('div.movelist', this.body);
    this.count = 0;
    this.cache = []; // notation per ply, kept while the prefix is unchanged
  }

  // positions[i] is the position before moves[i]; current: index shown on the board.
  update(positions, moves, current) {
    const first = positions[0];
    const blackFirst = first && first.turn === 1;
    if (this.cache.length > moves.length || this.cache.some((c, i) => c.iccs !== moves[i])) this.cache = [];
    for (let i = this.cache.length; i < moves.length; i++) {
      const pos = positions[i];
      const m = parseIccs(moves[i]);
      const text = pos && m >= 0 ? (this.cjk ? chineseMove(pos, m) : wxfMove(pos, m)) : moves[i];
      this.cache.push({ iccs: moves[i], text });
    }
    const rows = [];
    const startNo = first ? first.fullmove : 1;
    let row = null;
    for (let i = 0; i < moves.length; i++) {
      const red = (i + (blackFirst ? 1 : 0)) % 2 === 0;
      if (red || !row) {
        const no = startNo + Math.floor((i + (blackFirst ? 1 : 0)) / 2);
        row = h('li.row', h('span.no', `${no}.`));
        if (!red) row.append(h('span.mv.empty', '…'));
        rows.push(row);
      }
      const c = this.cache[i];
      const cell = h('button.mv', {
        type: 'button',
        dataset: { ply: String(i) },
        class: current === i + 1 ? 'current' : null,
        onclick: () => this.onSelect(i + 1 === moves.length ? null : i + 1),
      }, h('span.zh', { class: this.cjk ? 'cjk' : null }, c.text), h('span.iccs', c.iccs));
      row.append(cell);
    }
    this.body.replaceChildren(...rows);
    if (moves.length === 0) this.body.append(h('li.empty-note', 'No moves yet'));
    if (moves.length !== this.count || current === moves.length) {
      const cur = this.body.querySelector('.current') || this.body.lastElementChild;
      if (cur) this.el.scrollTop = this.el.scrollHeight;
    }
    this.count = moves.length;
  }
}

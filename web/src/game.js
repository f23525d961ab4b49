// The game page, for a player or a spectator: board, clocks, moves, controls, chat.
//
// The server is the authority. A player's own move is shown at once and sent with its ply; the
// server's `move` (echoing our id) confirms it, an `error` takes it back. After any reconnect the
// page asks for the whole game again (`resume`, or `watch` for a spectator) and, if a move of ours
// was in flight and the server has not got it, sends it again (the ply makes that idempotent).

import { h, fill, toast, formatClock, tcBaseMs, playerLabel, playerRating } from './ui.js';
import { Position, START_FEN, RED, BLACK, parseIccs, moveToIccs, replay } from './rules.js';
import { BoardView } from './board.js';
import { MoveList } from './movelist.js';
import { fetchGame } from './api.js';
import { loadGameMeta, saveGameMeta } from './store.js';

// Plies after which the side to move's clock runs. 0: from the start of the game (Red's first
// move is timed). Set to 2 if the server starts clocks only once each side has moved.
const CLOCK_START_PLY = 0;
const LOW_TIME_MS = 20000;

const REASONS = {
  checkmate: 'checkmate',
  stalemate: 'no legal move',
  resign: 'resignation',
  timeout: 'time',
  agreement: 'agreement',
  repetition: 'repetition',
  perpetual_check: 'perpetual check',
  perpetual_chase: 'perpetual chase',
  natural_limit: 'the move limit',
  insufficient_material: 'insufficient material',
  abandoned: 'abandonment',
  aborted: 'abort',
};

export function resultText(result, reason) {
  if (reason === 'aborted') return 'Game aborted';
  const why = REASONS[reason] ? ` by ${REASONS[reason]}` : reason ? ` (${reason})` : '';
  if (result === '1-0') return `Red wins${why}`;
  if (result === '0-1') return `Black wins${why}`;
  if (result === '1/2-1/2') return `Draw${why}`;
  return 'Game over';
}

const colorOf = (name) => (name === 'black' ? BLACK : name === 'red' ? RED : null);
const colorName = (c) => (c === BLACK ? 'black' : 'red');

export class GameView {
  constructor(app, id, start) {
    this.app = app;
    this.id = id;
    const meta = loadGameMeta(id);
    this.meta = meta || {};
    this.g = {
      fen0: START_FEN,
      moves: [],
      positions: [Position.fromFen(START_FEN)],
      clocks: null, // {red, black} ms at clockAt
      clockAt: 0,
      status: 'loading', // loading | playing | ended | missing
      result: null,
      reason: null,
      red: this.meta.red || null,
      black: this.meta.black || null,
      tc: this.meta.tc || null,
      color: colorOf(this.meta.color), // ours, null for a spectator
      spectators: null,
    };
    this.role = this.g.color !== null ? 'player' : this.meta.spectator ? 'spectator' : 'unknown';
    this.pending = null; // our move in flight: {ply, move}
    this.viewPly = null; // index of the position shown, null = live
    this.flipped = this.g.color === BLACK;
    this.drawOfferFrom = null; // colour offering us a draw
    this.myDrawOffer = false;
    this.confirmResign = 0;
    this.stateWaiters = [];
    this.synced = false;
    this.syncing = false;

    this.board = new BoardView({ cjk: app.cjk, onMove: (m, o) => this.userMove(m, o) });
    this.moveList = new MoveList({ cjk: app.cjk, onSelect: (i) => this.showPly(i) });
    this.build();
    if (start) {
      this.applyStart(start);
      this.synced = true;
    }
    if (app.conn.isOpen && !this.synced) this.sync();
    this.render();
    this.timer = setInterval(() => this.tick(), 100);
    this.keys = (e) => this.onKey(e);
    window.addEventListener('keydown', this.keys);
  }

  dispose() {
    clearInterval(this.timer);
    window.removeEventListener('keydown', this.keys);
    if (this.role === 'spectator') this.app.conn.fire({ t: 'unwatch', game: this.id });
  }

  // ---- layout ----

  build() {
    this.topBar = h('div.player-bar.top');
    this.bottomBar = h('div.player-bar.bottom');
    this.banner = h('div.banner', { hidden: true });
    this.bannerKey = null; // what the banner shows now (see render)
    this.status = h('div.status-line');
    this.controls = h('div.controls');
    this.chatLog = h('ul.chat-log', { 'aria-live': 'polite' });
    this.chatInput = h('input.chat-input', { type: 'text', maxLength: 200, placeholder: 'Say something…', 'aria-label': 'Chat message' });
    this.chatForm = h('form.chat-form', {
      onsubmit: (e) => {
        e.preventDefault();
        this.sendChat();
      },
    }, this.chatInput, h('button', { type: 'submit' }, 'Send'));
    this.watchers = h('span.watchers');
    this.el = h('section.game-view',
      h('div.board-col', this.topBar, this.board.el, this.bottomBar),
      h('aside.side',
        h('div.game-head', h('span.game-tc'), this.watchers),
        this.banner,
        this.status,
        this.controls,
        this.moveList.el,
        h('div.chat', this.chatLog, this.chatForm)));
  }

  // ---- protocol ----

  onWelcome() {
    this.synced = false;
    this.sync();
  }

  onMessage(msg) {
    if (msg.game !== undefined && msg.game !== this.id) return;
    switch (msg.t) {
      case 'game_start': this.applyStart(msg); break;
      case 'state': this.applyState(msg); break;
      case 'move': this.applyMove(msg); break;
      case 'draw_offer': this.applyDrawOffer(msg); break;
      case 'game_end': this.applyEnd(msg); break;
      case 'chat': this.addChat(msg.from, msg.text); break;
      case 'spectators': // extension: {"t":"spectators","game","count"}
        this.g.spectators = msg.count;
        this.render();
        break;
      default: break;
    }
  }

  waitState() {
    return new Promise((resolve) => this.stateWaiters.push(resolve));
  }

  // Gets the whole game: resume as a player, else watch, else the archived record.
  async sync() {
    if (this.syncing) return;
    this.syncing = true;
    try {
      const conn = this.app.conn;
      const ask = (t) => Promise.race([conn.request({ t, game: this.id }), this.waitState()]);
      if (this.role !== 'spectator') {
        try {
          await ask('resume');
          this.synced = true;
          return;
        } catch (e) {
          if (e.code === 'offline' || e.code === 'timeout') return;
        }
      }
      try {
        await ask('watch');
        this.role = this.g.color !== null ? 'player' : 'spectator';
        if (this.role === 'spectator') saveGameMeta(this.id, { ...this.meta, spectator: true });
        this.synced = true;
        return;
      } catch (e) {
        if (e.code === 'offline' || e.code === 'timeout') return;
      }
      try {
        this.applyRecord(await fetchGame(this.id));
        this.synced = true;
      } catch (e) {
        if (e.status === 404) {
          this.g.status = 'missing';
          this.render();
        } else {
          toast(`Could not load the game: ${e.message}`, 'error');
        }
      }
    } finally {
      this.syncing = false;
    }
  }

  applyStart(msg) {
    const g = this.g;
    g.fen0 = msg.fen || START_FEN;
    g.moves = [];
    g.positions = [Position.fromFen(g.fen0)];
    g.red = msg.red ?? g.red;
    g.black = msg.black ?? g.black;
    g.tc = msg.tc ?? g.tc;
    g.status = 'playing';
    g.result = g.reason = null;
    if (msg.color) {
      g.color = colorOf(msg.color);
      this.role = 'player';
      this.flipped = g.color === BLACK;
    }
    const base = tcBaseMs(g.tc);
    g.clocks = base ? { red: base, black: base } : null;
    g.clockAt = performance.now();
    this.rememberMeta();
    this.render(null);
  }

  rememberMeta() {
    const g = this.g;
    this.meta = {
      ...this.meta,
      color: g.color === null ? undefined : colorName(g.color),
      tc: g.tc, red: g.red, black: g.black,
      spectator: g.color === null ? this.meta.spectator : undefined,
    };
    saveGameMeta(this.id, this.meta);
  }

  applyState(st) {
    const g = this.g;
    const waiters = this.stateWaiters;
    this.stateWaiters = [];
    g.fen0 = st.fen || START_FEN;
    this.setMoves(st.moves || [], null);
    if (st.clocks) {
      g.clocks = { red: st.clocks.red, black: st.clocks.black };
      g.clockAt = performance.now();
    }
    g.status = st.status === 'ended' ? 'ended' : 'playing';
    g.result = st.result ?? null;
    g.reason = st.reason ?? null;
    if (st.red) g.red = st.red;
    if (st.black) g.black = st.black;
    if (st.tc) g.tc = st.tc;
    if (st.spectators != null) g.spectators = st.spectators;
    if (st.color) {
      const wasPlayer = this.role === 'player';
      g.color = colorOf(st.color);
      this.role = 'player';
      if (!wasPlayer) this.flipped = g.color === BLACK;
    } else if (this.role === 'unknown') {
      this.role = 'spectator';
    }
    if (!g.clocks) {
      const base = tcBaseMs(g.tc);
      if (base) g.clocks = { red: base, black: base };
      g.clockAt = performance.now();
    }
    if (st.draw_offer) this.drawOfferFrom = colorOf(st.draw_offer); // extension, if the server sends it
    this.rememberMeta();
    this.retryPending();
    this.render(null);
    for (const w of waiters) w(st);
  }

  // An archived game from GET /api/games/{id}: clocks are the mover's time after each move.
  applyRecord(rec) {
    const g = this.g;
    g.fen0 = rec.fen || START_FEN;
    this.setMoves(rec.moves || [], null);
    g.red = rec.red ?? g.red;
    g.black = rec.black ?? g.black;
    g.tc = rec.tc ?? g.tc;
    g.status = rec.status === 'playing' ? 'playing' : 'ended';
    g.result = rec.result ?? null;
    g.reason = rec.reason ?? null;
    const base = tcBaseMs(g.tc);
    const c = { red: base || 0, black: base || 0 };
    const redFirst = g.positions[0].turn === RED;
    (rec.clocks || []).forEach((ms, i) => {
      const red = (i % 2 === 0) === redFirst;
      c[red ? 'red' : 'black'] = ms;
    });
    g.clocks = c;
    g.clockAt = performance.now();
    if (this.role === 'unknown') this.role = 'spectator';
    this.render(null);
  }

  // Replays the moves; a move our rules reject (should not happen) ends the replay there and the
  // server's FEN, when given, shows the real position.
  setMoves(moves, fenAfter) {
    const g = this.g;
    const { positions, bad } = replay(g.fen0, moves);
    g.moves = moves.slice();
    g.positions = positions;
    if (bad >= 0) {
      while (g.positions.length < moves.length + 1) g.positions.push(g.positions[g.positions.length - 1]);
    }
    if (fenAfter) this.trustFen(fenAfter);
  }

  trustFen(fen) {
    const g = this.g;
    try {
      const server = Position.fromFen(fen);
      const last = g.positions[g.positions.length - 1];
      if (server.placementFen() !== last.placementFen()) g.positions[g.positions.length - 1] = server;
    } catch {
      // a FEN we cannot read: keep ours
    }
  }

  applyMove(mv) {
    const g = this.g;
    const n = g.moves.length;
    if (typeof mv.ply !== 'number' || typeof mv.move !== 'string') return;
    if (mv.ply < n) {
      if (g.moves[mv.ply] !== mv.move) {
        this.resync();
        return;
      }
      if (this.pending && this.pending.ply === mv.ply) this.pending = null;
      if (mv.ply === n - 1) this.setClocks(mv.clocks);
      this.render();
      return;
    }
    if (mv.ply > n) {
      this.resync();
      return;
    }
    const pos = g.positions[n];
    const m = parseIccs(mv.move);
    if (m < 0 || !pos.isLegal(m)) {
      this.resync();
      return;
    }
    g.moves.push(mv.move);
    g.positions.push(pos.play(m));
    if (mv.fen) this.trustFen(mv.fen);
    this.setClocks(mv.clocks);
    if (g.status === 'loading') g.status = 'playing';
    this.drawOfferFrom = null;
    this.myDrawOffer = false;
    this.render(this.viewPly === null ? m : null);
  }

  setClocks(clocks) {
    if (!clocks || typeof clocks.red !== 'number' || typeof clocks.black !== 'number') return;
    this.g.clocks = { red: clocks.red, black: clocks.black };
    this.g.clockAt = performance.now();
  }

  applyDrawOffer(msg) {
    const by = typeof msg.by === 'string' ? colorOf(msg.by) : null;
    const byMe = by !== null
      ? by === this.g.color
      : msg.by && this.app.user && msg.by.id === this.app.user.id;
    if (byMe) {
      this.myDrawOffer = true;
    } else if (this.role === 'player') {
      this.drawOfferFrom = by !== null ? by : 1 - this.g.color;
    } else {
      const who = by !== null ? (by === RED ? 'Red' : 'Black') : playerLabel(msg.by);
      this.addChat(null, `${who} offers a draw`);
    }
    this.render();
  }

  applyEnd(msg) {
    const g = this.g;
    g.status = 'ended';
    g.result = msg.result ?? g.result;
    g.reason = msg.reason ?? g.reason;
    if (g.clocks) {
      g.clocks = this.clockNow();
      g.clockAt = performance.now();
    }
    this.pending = null;
    this.drawOfferFrom = null;
    this.myDrawOffer = false;
    this.render();
  }

  resync() {
    this.synced = false;
    if (this.app.conn.isOpen) this.sync();
  }

  // ---- our actions ----

  userMove(m, how) {
    const g = this.g;
    if (this.role !== 'player' || g.status !== 'playing' || this.viewPly !== null) return;
    const ply = g.moves.length;
    const move = moveToIccs(m);
    const pos = g.positions[ply];
    if (pos.turn !== g.color || !pos.isLegal(m)) return;
    // Stop our clock where it stands and start the opponent's; the server's answer corrects both.
    if (g.clocks) {
      g.clocks = this.clockNow();
      g.clockAt = performance.now();
    }
    g.moves.push(move);
    g.positions.push(pos.play(m));
    this.pending = { ply, move };
    this.myDrawOffer = false;
    this.drawOfferFrom = null;
    this.render(how && !how.dragged ? m : null);
    this.sendPending();
  }

  sendPending() {
    const p = this.pending;
    if (!p) return;
    this.app.conn.request({ t: 'move', game: this.id, move: p.move, ply: p.ply }).catch((e) => {
      if (this.pending !== p) return; // confirmed meanwhile (e.g. by `state`)
      if (e.code === 'offline' || e.code === 'timeout') return; // retried after the resume
      this.pending = null;
      this.g.moves.length = p.ply;
      this.g.positions.length = p.ply + 1;
      toast(this.app.errorText(e), 'error');
      this.render(null);
      if (e.code === 'stale_ply' || e.code === 'not_your_turn') this.resync();
    });
  }

  // After `state`: was our move recorded? If not and it still fits, send it again.
  retryPending() {
    const p = this.pending;
    if (!p) return;
    const g = this.g;
    if (g.moves.length > p.ply) {
      // state already holds a move at that ply: ours or not, the server decided.
      this.pending = null;
      return;
    }
    const pos = g.positions[g.moves.length];
    const m = parseIccs(p.move);
    if (g.status === 'playing' && g.moves.length === p.ply && pos.turn === g.color && pos.isLegal(m)) {
      g.moves.push(p.move);
      g.positions.push(pos.play(m));
      this.sendPending();
    } else {
      this.pending = null;
    }
  }

  act(t, confirmText) {
    if (!this.app.conn.isOpen) {
      toast('Not connected: wait a moment', 'error');
      return;
    }
    this.app.conn.request({ t, game: this.id }).catch((e) => {
      if (e.code !== 'timeout') toast(this.app.errorText(e), 'error');
    });
    if (confirmText) toast(confirmText);
  }

  resign() {
    const now = Date.now();
    if (now - this.confirmResign > 3000) {
      this.confirmResign = now;
      this.render();
      setTimeout(() => this.render(), 3100);
      return;
    }
    this.confirmResign = 0;
    this.act('resign');
  }

  offerDraw() {
    this.myDrawOffer = true;
    this.act('offer_draw', 'Draw offered');
    this.render();
  }

  answerDraw(accept) {
    this.drawOfferFrom = null;
    this.act(accept ? 'accept_draw' : 'decline_draw');
    this.render();
  }

  rematch() {
    const s = this.meta.settings;
    if (!s) {
      location.hash = '#/';
      return;
    }
    this.app.startGame(s);
  }

  sendChat() {
    const text = this.chatInput.value.trim();
    if (!text) return;
    if (!this.app.conn.send({ t: 'chat', game: this.id, text })) {
      toast('Not connected: wait a moment', 'error');
      return;
    }
    this.chatInput.value = '';
  }

  addChat(from, text) {
    const who = from == null ? null : typeof from === 'string' ? from : playerLabel(from);
    this.chatLog.append(h('li', { class: who ? null : 'system' }, who ? h('b', `${who}: `) : null, String(text ?? '')));
    while (this.chatLog.children.length > 200) this.chatLog.firstElementChild.remove();
    this.chatLog.scrollTop = this.chatLog.scrollHeight;
  }

  showPly(i) {
    this.viewPly = i === null || i >= this.g.moves.length ? null : Math.max(0, i);
    this.render(null);
  }

  onKey(e) {
    if (e.target && /^(INPUT|TEXTAREA)$/.test(e.target.tagName)) return;
    const n = this.g.moves.length;
    const cur = this.viewPly === null ? n : this.viewPly;
    if (e.key === 'ArrowLeft') this.showPly(Math.max(0, cur - 1));
    else if (e.key === 'ArrowRight') this.showPly(cur + 1 >= n ? null : cur + 1);
    else if (e.key === 'f') this.flip();
    else return;
    e.preventDefault();
  }

  flip() {
    this.flipped = !this.flipped;
    this.render(null);
  }

  // ---- display ----

  clockNow() {
    const g = this.g;
    if (!g.clocks) return null;
    const c = { ...g.clocks };
    const side = g.positions[g.moves.length].turn;
    if (g.status === 'playing' && g.moves.length >= CLOCK_START_PLY) {
      const key = side === RED ? 'red' : 'black';
      c[key] = Math.max(0, c[key] - (performance.now() - g.clockAt));
    }
    return c;
  }

  tick() {
    if (this.g.status !== 'playing' || !this.clockEls) return;
    this.renderClocks();
  }

  renderClocks() {
    const c = this.clockNow();
    const g = this.g;
    const toMove = g.positions[g.moves.length].turn;
    for (const color of [RED, BLACK]) {
      const el = this.clockEls[color];
      if (!el) continue;
      const key = colorName(color);
      const ms = c ? c[key] : null;
      el.textContent = ms === null ? '–:––' : formatClock(ms);
      el.classList.toggle('running', g.status === 'playing' && toMove === color);
      el.classList.toggle('low', ms !== null && ms < LOW_TIME_MS);
    }
  }

  playerBar(color) {
    const g = this.g;
    const p = color === RED ? g.red : g.black;
    const rating = playerRating(p);
    const you = g.color === color;
    const clock = h('span.clock', { dataset: { color: colorName(color) } });
    this.clockEls[color] = clock;
    return [
      h('span.side-dot', { class: colorName(color), title: color === RED ? 'Red' : 'Black' }),
      h('span.pname', playerLabel(p) || (color === RED ? 'Red' : 'Black')),
      rating !== null ? h('span.rating', String(rating)) : null,
      p && p.guest ? h('span.tag', 'guest') : null,
      you ? h('span.tag.you', 'you') : null,
      clock,
    ];
  }

  // animate: a move to slide on the board, or null.
  render(animate = null) {
    const g = this.g;
    const live = this.viewPly === null;
    const idx = live ? g.moves.length : this.viewPly;
    const pos = g.positions[idx];
    const lastIccs = idx > 0 ? g.moves[idx - 1] : null;
    const myTurn = this.role === 'player' && g.status === 'playing' && pos.turn === g.color;
    this.board.update(pos, {
      flipped: this.flipped,
      lastMove: lastIccs ? parseIccs(lastIccs) : null,
      movable: live && myTurn && !this.pending ? g.color : null,
      animate,
    });
    this.clockEls = {};
    const bottom = this.flipped ? BLACK : RED;
    fill(this.topBar, this.playerBar(1 - bottom));
    fill(this.bottomBar, this.playerBar(bottom));
    this.renderClocks();
    this.moveList.update(g.positions, g.moves, idx);

    const head = this.el.querySelector('.game-tc');
    head.textContent = g.tc ? `${g.tc} · ${this.meta.settings?.kind === 'ai' ? 'vs AI' : 'xiangqi'}` : 'xiangqi';
    this.watchers.textContent = g.spectators != null ? `${g.spectators} watching` : '';

    // Banner: the result, or a draw offer to answer. Rebuilt only when what it says changes: render runs
    // on every message, and a button replaced between a press and its release loses the click.
    let banner = null;
    if (g.status === 'ended') banner = `end ${g.result} ${g.reason}`;
    else if (g.status === 'missing') banner = 'missing';
    else if (this.drawOfferFrom !== null && this.role === 'player') banner = 'offer';
    if (banner !== this.bannerKey) {
      this.bannerKey = banner;
      if (banner === null) {
        this.banner.hidden = true;
      } else if (g.status === 'ended') {
        fill(this.banner, h('strong.result', { dataset: { result: g.result || '', reason: g.reason || '' } },
          resultText(g.result, g.reason)), h('span.result-code', g.result || ''));
        this.banner.className = 'banner end';
        this.banner.hidden = false;
      } else if (banner === 'missing') {
        fill(this.banner, h('strong', 'Game not found'), h('a', { href: '#/' }, 'Back to the lobby'));
        this.banner.className = 'banner end';
        this.banner.hidden = false;
      } else {
        fill(this.banner, h('span', 'Your opponent offers a draw'),
          h('button.small.accept-draw', { type: 'button', onclick: () => this.answerDraw(true) }, 'Accept'),
          h('button.small.decline-draw', { type: 'button', onclick: () => this.answerDraw(false) }, 'Decline'));
        this.banner.className = 'banner offer';
        this.banner.hidden = false;
      }
    }

    let status = '';
    if (g.status === 'loading') status = this.app.conn.isOpen ? 'Loading the game…' : 'Connecting…';
    else if (g.status === 'playing') {
      const who = pos.turn === RED ? 'Red' : 'Black';
      if (!live) status = `Viewing move ${idx} of ${g.moves.length}`;
      else if (this.role === 'player') status = this.pending ? 'Sending your move…' : myTurn ? 'Your turn' : 'Waiting for the opponent';
      else status = `${who} to move`;
      if (live && pos.inCheck()) status += ' · check';
    }
    this.status.textContent = status;
    this.status.dataset.turn = colorName(pos.turn);
    document.title = `${myTurn ? '● Your turn · ' : ''}Chuhe`;

    const c = [];
    const btn = (cls, label, onclick, attrs = {}) =>
      h(`button.${cls}`, { type: 'button', onclick, ...attrs }, label);
    if (this.role === 'player' && g.status === 'playing') {
      if (g.moves.length < 2) c.push(btn('abort', 'Abort', () => this.act('abort')));
      c.push(btn('resign', Date.now() - this.confirmResign < 3000 ? 'Really resign?' : 'Resign', () => this.resign(),
        { class: Date.now() - this.confirmResign < 3000 ? 'danger' : null }));
      c.push(btn('offer-draw', this.myDrawOffer ? 'Draw offered' : 'Offer draw', () => this.offerDraw(),
        { disabled: this.myDrawOffer }));
    }
    if (this.role === 'player' && g.status === 'ended' && this.meta.settings) {
      const s = this.meta.settings;
      c.push(btn('rematch primary', s.kind === 'ai' ? 'Rematch' : `New ${s.tc} game`, () => this.rematch()));
    }
    if (g.status === 'ended' || g.status === 'missing' || this.role === 'spectator') {
      c.push(h('a.button.lobby-link', { href: '#/' }, 'Lobby'));
    }
    c.push(btn('flip', 'Flip board', () => this.flip(), { title: 'Flip the board (f)' }));
    if (!live) c.push(btn('live', 'Back to live', () => this.showPly(null)));
    fill(this.controls, c);
    this.chatForm.hidden = g.status === 'missing';
  }
}

// The lobby: quick pairing by time control, a game against the AI, the games being played now.
//
// The live list is an extension beyond PROTOCOL.md's core, used if present and ignored if not:
//   client -> {"t":"lobby_subscribe"} / {"t":"lobby_unsubscribe"}
//   server -> {"t":"lobby","games":[{"game","red","black","tc","moves"}...],"online":N}
// and, as a fallback poll while no `lobby` push has come lately, GET /api/games/live ->
//   {"games":[...same items...],"online"?:N}

import { h, fill, playerLabel, playerRating } from './ui.js';
import { fetchLiveGames } from './api.js';

export const TIME_CONTROLS = ['1+0', '3+2', '5+3', '10+5'];
const POLL_MS = 5000;
const PUSH_FRESH_MS = 15000; // a push this recent makes polling unnecessary
const POLL_BACKOFF_MS = 60000; // after a 404: the server has no such endpoint

export class LobbyView {
  constructor(app) {
    this.app = app;
    this.games = null; // null = unknown yet
    this.online = null;
    this.lastPush = 0;
    this.nextPoll = 0;
    this.ai = { level: app.prefs.aiLevel || 3, color: app.prefs.aiColor || 'random', tc: app.prefs.aiTc || '5+3' };
    this.build();
    if (app.conn.isOpen) this.onWelcome();
    this.poller = setInterval(() => this.poll(), 1000);
    this.poll();
  }

  dispose() {
    clearInterval(this.poller);
    this.app.conn.fire({ t: 'lobby_unsubscribe' });
  }

  onWelcome() {
    this.app.conn.fire({ t: 'lobby_subscribe' });
    this.render();
  }

  onSeeking() {
    this.renderSeek();
  }

  onMessage(msg) {
    if (msg.t === 'lobby') {
      this.lastPush = Date.now();
      if (Array.isArray(msg.games)) this.games = msg.games;
      if (typeof msg.online === 'number') this.online = msg.online;
      this.renderGames();
    }
  }

  async poll() {
    const now = Date.now();
    if (now < this.nextPoll || now - this.lastPush < PUSH_FRESH_MS || document.hidden) return;
    this.nextPoll = now + POLL_MS;
    try {
      const data = await fetchLiveGames();
      if (Date.now() - this.lastPush < PUSH_FRESH_MS) return;
      if (data && Array.isArray(data.games)) this.games = data.games;
      if (data && typeof data.online === 'number') this.online = data.online;
      this.renderGames();
    } catch (e) {
      if (e.status === 404) {
        // No such endpoint (and no push so far): show an empty list rather than "Loading…".
        this.nextPoll = Date.now() + POLL_BACKOFF_MS;
        if (this.games === null) {
          this.games = [];
          this.renderGames();
        }
      }
    }
  }

  build() {
    this.seekBox = h('div.tc-grid');
    this.seekNote = h('p.seek-note');
    this.aiBox = h('div.ai-form');
    this.gamesBox = h('div.live-games');
    this.onlineEl = h('span.online');
    this.el = h('section.lobby',
      h('div.card.quick',
        h('h2', 'Quick pairing'),
        h('p.hint', 'Play a person of similar strength. Minutes + seconds added per move.'),
        this.seekBox, this.seekNote),
      h('div.card.vs-ai', h('h2', 'Play the computer'), this.aiBox),
      h('div.card.watch',
        h('h2', 'Games being played', this.onlineEl),
        this.gamesBox),
      h('p.practice', h('a', { href: '#/demo' }, 'Practice board'), ' — move both sides, no server needed.'));
    this.render();
  }

  render() {
    this.renderSeek();
    this.renderAi();
    this.renderGames();
  }

  renderSeek() {
    const seeking = this.app.seeking;
    fill(this.seekBox, TIME_CONTROLS.map((tc) => h('button.tc', {
      type: 'button',
      dataset: { tc },
      class: seeking === tc ? 'seeking' : null,
      'aria-pressed': seeking === tc ? 'true' : 'false',
      onclick: () => (seeking === tc ? this.app.cancelSeek() : this.app.startGame({ kind: 'seek', tc })),
    }, h('span.tc-main', tc), h('span.tc-sub', seeking === tc ? 'Seeking… click to cancel' : tcName(tc)))));
    if (seeking) {
      fill(this.seekNote, h('span.spinner'), `Looking for an opponent (${seeking})… `,
        h('button.link.cancel-seek', { type: 'button', onclick: () => this.app.cancelSeek() }, 'Cancel'));
    } else {
      fill(this.seekNote);
    }
  }

  renderAi() {
    const a = this.ai;
    const seg = (name, values, current, label, set) => h('div.seg', { role: 'group', 'aria-label': name },
      values.map((v) => h('button', {
        type: 'button',
        dataset: { [name]: String(v) },
        class: String(v) === String(current) ? 'on' : null,
        'aria-pressed': String(v) === String(current) ? 'true' : 'false',
        onclick: () => {
          set(v);
          this.app.savePrefs({ aiLevel: a.level, aiColor: a.color, aiTc: a.tc });
          this.renderAi();
        },
      }, label(v))));
    fill(this.aiBox,
      h('div.field', h('span.label', 'Level'),
        seg('level', [1, 2, 3, 4, 5, 6, 7, 8, 9], a.level, (v) => (v === 9 ? '9 (net)' : String(v)), (v) => (a.level = v))),
      h('div.field', h('span.label', 'Colour'),
        seg('color', ['red', 'random', 'black'], a.color, (v) => ({ red: 'Red', random: 'Random', black: 'Black' })[v],
          (v) => (a.color = v))),
      h('div.field', h('span.label', 'Time'),
        seg('aitc', TIME_CONTROLS, a.tc, String, (v) => (a.tc = v))),
      h('button.primary#ai-play', {
        type: 'button',
        onclick: () => this.app.startGame({ kind: 'ai', level: a.level, color: a.color, tc: a.tc }),
      }, 'Play the computer'));
  }

  renderGames() {
    this.onlineEl.textContent = this.online != null ? `${this.online} online` : '';
    if (this.games === null) {
      fill(this.gamesBox, h('p.empty', this.app.conn.isOpen ? 'Loading…' : 'Not connected yet.'));
      return;
    }
    if (!this.games.length) {
      fill(this.gamesBox, h('p.empty', 'No games in progress. Start one!'));
      return;
    }
    const who = (p, color) => {
      const r = playerRating(p);
      return h('span.who', h(`span.side-dot.${color}`), playerLabel(p), r !== null ? h('span.rating', String(r)) : null);
    };
    fill(this.gamesBox, h('ul.game-list', this.games.slice(0, 50).map((g) => h('li',
      h('a.game-link', { href: `#/game/${encodeURIComponent(g.game)}`, dataset: { game: String(g.game) } },
        h('span.players', who(g.red, 'red'), who(g.black, 'black')),
        h('span.meta', h('span', g.tc || ''), g.moves != null ? h('span', `${g.moves} moves`) : null),
        h('span.watch-btn', 'Watch'))))));
  }
}

function tcName(tc) {
  const base = parseFloat(tc);
  if (base < 3) return 'Bullet';
  if (base < 8) return 'Blitz';
  return 'Rapid';
}

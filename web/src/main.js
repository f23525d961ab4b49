// Chuhe browser client: the app shell (header, sign-in, routing) around the lobby and game views.
// Routes: #/ lobby · #/game/ID a game (played or watched) · #/demo[/black] a local practice board.

import { h, fill, toast, detectCjk } from './ui.js';
import { session, newGuest, login, register, logout, HttpError } from './api.js';
import { Connection } from './conn.js';
import { LobbyView } from './lobby.js';
import { GameView } from './game.js';
import { DemoView } from './demo.js';
import { saveGameMeta, loadGameMeta } from './store.js';

const ERRORS = {
  bad_request: 'The server refused the request',
  rate_limited: 'Too fast: slow down a little',
  not_found: 'No such game',
  not_in_game: 'You are not playing in this game',
  game_over: 'The game is over',
  not_your_turn: 'Not your turn',
  stale_ply: 'Out of sync: reloading the game',
  illegal_move: 'Illegal move',
  offline: 'Not connected',
  timeout: 'No answer from the server',
};

const PREFS_KEY = 'chuhe.prefs';

class App {
  constructor() {
    this.cjk = detectCjk();
    document.documentElement.dataset.glyphs = this.cjk ? 'cjk' : 'latin';
    this.user = session.user;
    this.seeking = null; // time control of our open seek
    this.lastRequest = null; // settings of the last seek / AI challenge, for rematch
    this.view = null;
    this.prefs = loadPrefs();
    this.conn = new Connection({
      getToken: () => this.token(),
      onMessage: (m) => this.onMessage(m),
      onStatus: (s) => this.onStatus(s),
      onAuthFailed: () => this.renewGuest(),
    });
    this.buildShell();
    window.addEventListener('hashchange', () => this.route());
    this.route();
    this.conn.start();
  }

  // ---- identity ----

  async token() {
    if (session.token) return session.token;
    const data = await newGuest();
    this.setUser(data.user);
    return data.token;
  }

  async renewGuest() {
    const wasRegistered = this.user && this.user.guest === false;
    const data = await newGuest();
    this.setUser(data.user);
    if (wasRegistered) toast('Your session ended: you are playing as a guest now', 'error', 6000);
  }

  setUser(user) {
    this.user = user || null;
    if (user) session.setUser(user);
    this.renderMe();
  }

  savePrefs(p) {
    Object.assign(this.prefs, p);
    try {
      localStorage.setItem(PREFS_KEY, JSON.stringify(this.prefs));
    } catch {
      // not kept; fine
    }
  }

  errorText(e) {
    return (e && e.msg && e.msg.message) || ERRORS[e && e.code] || (e && e.message) || 'Something went wrong';
  }

  // ---- shell ----

  buildShell() {
    this.connEl = h('span.conn', { dataset: { status: 'offline' }, title: 'Connection' }, h('i'), h('span.conn-text'));
    this.meEl = h('div.me');
    const brand = h('a.brand', { href: '#/' },
      h('span.logo', { 'aria-hidden': 'true' }, this.cjk ? '楚' : 'C'),
      h('span.brand-name', 'Chuhe'));
    this.header = h('header.top', brand, this.connEl, this.meEl);
    this.main = h('main#view');
    this.dialog = this.buildDialog();
    document.body.replaceChildren(this.header, this.main, this.dialog);
    this.onStatus(this.conn.status);
    this.renderMe();
  }

  renderMe() {
    const u = this.user;
    const items = [];
    if (u) {
      items.push(h('span.me-name', { title: u.guest ? 'Guest account' : 'Signed in' }, u.name || 'guest'));
      if (u.rating != null) items.push(h('span.rating', String(Math.round(u.rating))));
    }
    if (!u || u.guest !== false) {
      items.push(h('button.link.login', { type: 'button', onclick: () => this.openAuth('login') }, 'Log in'));
      items.push(h('button.link.register', { type: 'button', onclick: () => this.openAuth('register') }, 'Register'));
    } else {
      items.push(h('button.link.logout', { type: 'button', onclick: () => this.doLogout() }, 'Log out'));
    }
    fill(this.meEl, items);
  }

  onStatus(s) {
    this.connEl.dataset.status = s;
    this.connEl.querySelector('.conn-text').textContent =
      s === 'open' ? 'online' : s === 'connecting' ? 'connecting…' : 'offline';
    if (s !== 'open' && this.view && this.view.render && this.view instanceof GameView) this.view.render();
  }

  buildDialog() {
    this.authName = h('input', { name: 'name', autocomplete: 'username', required: true, minLength: 2, maxLength: 32 });
    this.authPass = h('input', { name: 'password', type: 'password', autocomplete: 'current-password', required: true, minLength: 6 });
    this.authError = h('p.form-error', { role: 'alert' });
    this.authTitle = h('h2');
    this.authSubmit = h('button.primary', { type: 'submit' });
    const form = h('form.auth-form', { method: 'dialog', onsubmit: (e) => this.submitAuth(e) },
      this.authTitle,
      h('label', h('span', 'Name'), this.authName),
      h('label', h('span', 'Password'), this.authPass),
      this.authError,
      h('div.row', this.authSubmit,
        h('button.link', { type: 'button', onclick: () => this.dialog.close() }, 'Cancel')));
    return h('dialog.auth', form);
  }

  openAuth(mode) {
    this.authMode = mode;
    this.authTitle.textContent = mode === 'login' ? 'Log in' : 'Create an account';
    this.authSubmit.textContent = mode === 'login' ? 'Log in' : 'Register';
    this.authPass.autocomplete = mode === 'login' ? 'current-password' : 'new-password';
    this.authError.textContent = '';
    this.dialog.showModal();
    this.authName.focus();
  }

  async submitAuth(e) {
    e.preventDefault();
    const name = this.authName.value.trim();
    const password = this.authPass.value;
    this.authError.textContent = '';
    this.authSubmit.disabled = true;
    try {
      const data = this.authMode === 'login' ? await login(name, password) : await register(name, password);
      this.setUser(data.user);
      this.dialog.close();
      this.authPass.value = '';
      toast(`Welcome, ${data.user.name}`);
      this.conn.restart();
    } catch (err) {
      const st = err instanceof HttpError ? err.status : 0;
      this.authError.textContent =
        st === 409 ? 'That name is taken' :
          st === 401 ? 'Wrong name or password' :
            st === 0 ? 'Cannot reach the server' :
              err.message || 'Refused';
    } finally {
      this.authSubmit.disabled = false;
    }
  }

  async doLogout() {
    await logout();
    this.setUser(null);
    try {
      await this.token();
    } catch {
      // offline: the connection retries getting a guest token
    }
    this.conn.restart();
  }

  // ---- games ----

  // settings: {kind:'seek', tc} or {kind:'ai', level, color, tc}
  startGame(settings) {
    if (!this.conn.isOpen) {
      toast('Not connected yet: wait a moment', 'error');
      return;
    }
    this.lastRequest = settings;
    if (settings.kind === 'ai') {
      this.conn.request({ t: 'challenge_ai', level: settings.level, color: settings.color, tc: settings.tc })
        .catch((e) => e.code !== 'timeout' && toast(this.errorText(e), 'error'));
      return;
    }
    if (this.seeking && this.seeking !== settings.tc) this.conn.fire({ t: 'cancel_seek' });
    const msg = { t: 'seek', tc: settings.tc };
    if (this.user && this.user.guest === false) msg.rated = true;
    this.seeking = settings.tc; // shown at once; `seeking` confirms, `error` clears
    if (this.view && this.view.onSeeking) this.view.onSeeking();
    this.conn.request(msg).catch((e) => {
      if (e.code === 'timeout') return;
      if (this.seeking === settings.tc) this.seeking = null;
      if (this.view && this.view.onSeeking) this.view.onSeeking();
      toast(this.errorText(e), 'error');
    });
  }

  resendSeek() {
    const tc = this.seeking;
    const msg = { t: 'seek', tc, ...(this.user && this.user.guest === false ? { rated: true } : {}) };
    this.conn.request(msg).catch((e) => {
      if (e.code === 'offline' || e.code === 'timeout' || this.seeking !== tc) return;
      this.seeking = null;
      if (this.view && this.view.onSeeking) this.view.onSeeking();
    });
  }

  cancelSeek() {
    this.seeking = null;
    this.conn.fire({ t: 'cancel_seek' });
    if (this.view && this.view.onSeeking) this.view.onSeeking();
  }

  onMessage(msg) {
    switch (msg.t) {
      case 'welcome':
        if (msg.user) this.setUser(msg.user);
        // A seek does not outlive its connection: ask again.
        if (this.seeking) this.resendSeek();
        if (this.view && this.view.onWelcome) this.view.onWelcome();
        return;
      case 'seeking':
        this.seeking = msg.tc ?? this.seeking;
        if (this.view && this.view.onSeeking) this.view.onSeeking();
        return;
      case 'game_start': {
        this.seeking = null;
        const prev = loadGameMeta(msg.game) || {};
        saveGameMeta(msg.game, {
          ...prev,
          color: msg.color, tc: msg.tc, red: msg.red, black: msg.black,
          settings: this.lastRequest || prev.settings || (msg.tc ? { kind: 'seek', tc: msg.tc } : undefined),
        });
        if (this.view instanceof GameView && this.view.id === msg.game) {
          this.view.onMessage(msg);
          return;
        }
        this.pendingStart = msg;
        location.hash = `#/game/${encodeURIComponent(msg.game)}`;
        return;
      }
      case 'error':
        if (msg.handled) return;
        toast(msg.message || ERRORS[msg.code] || msg.code || 'Error', 'error');
        return;
      case 'pong':
        return;
      default:
        if (this.view && this.view.onMessage) this.view.onMessage(msg);
    }
  }

  route() {
    const hash = location.hash || '#/';
    let view;
    const game = /^#\/game\/([^/?#]+)/.exec(hash);
    const demo = /^#\/demo(\/black)?\/?$/.exec(hash);
    if (this.view instanceof GameView && game && decodeURIComponent(game[1]) === this.view.id) return;
    if (this.view && this.view.dispose) this.view.dispose();
    if (game) {
      const id = decodeURIComponent(game[1]);
      const start = this.pendingStart && this.pendingStart.game === id ? this.pendingStart : null;
      this.pendingStart = null;
      view = new GameView(this, id, start);
    } else if (demo) {
      view = new DemoView(this, { flipped: !!demo[1] });
    } else {
      view = new LobbyView(this);
    }
    this.view = view;
    document.body.dataset.route = game ? 'game' : demo ? 'demo' : 'lobby';
    fill(this.main, view.el);
    if (!game) document.title = 'Chuhe · xiangqi';
  }
}

function loadPrefs() {
  try {
    return JSON.parse(localStorage.getItem(PREFS_KEY) || '{}') || {};
  } catch {
    return {};
  }
}

// Exposed for tests and debugging: read-only views of the app's state.
const app = new App();
window.chuhe = {
  app,
  game: () => {
    const v = app.view;
    if (!(v instanceof GameView)) return null;
    const g = v.g;
    return {
      id: v.id, role: v.role, color: g.color === null ? null : g.color === 1 ? 'black' : 'red',
      moves: g.moves.slice(), status: g.status, result: g.result, reason: g.reason,
      fen: g.positions[g.moves.length].toFen(), pending: !!v.pending,
    };
  },
};

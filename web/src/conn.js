// The WebSocket to /ws: reconnects by itself with backoff, numbers requests, matches replies.
//
// Status: 'connecting' -> 'open' (after `welcome`) -> 'offline' (dropped, waiting to retry).
// A browser cannot see why an upgrade failed, so after two failures in a row without ever opening,
// if /healthz answers the token is taken to be bad (401) and `onAuthFailed` gets a new one.
// Close code 4001 (the session was revoked, e.g. logout elsewhere) does the same at once.

import { serverHealthy } from './api.js';

const BACKOFF_MIN_MS = 500;
const BACKOFF_MAX_MS = 8000;
const PING_EVERY_MS = 20000;
const SILENCE_LIMIT_MS = 45000; // no message at all for this long: the socket is dead
const REQUEST_TIMEOUT_MS = 10000;

export class Connection {
  // getToken(): Promise<string|null>; onMessage(msg); onStatus(status); onAuthFailed(): Promise
  constructor({ getToken, onMessage, onStatus, onAuthFailed }) {
    this.getToken = getToken;
    this.onMessage = onMessage;
    this.onStatus = onStatus || (() => {});
    this.onAuthFailed = onAuthFailed || (async () => {});
    this.ws = null;
    this.status = 'offline';
    this.attempt = 0;
    this.failedBeforeOpen = 0;
    this.nextId = 1;
    this.pending = new Map(); // id -> {resolve, reject, timer}
    this.retryTimer = null;
    this.pingTimer = null;
    this.lastHeard = 0;
    this.stopped = true;
    window.addEventListener('online', () => this.retryNow());
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'visible') this.retryNow();
    });
  }

  start() {
    this.stopped = false;
    if (!this.ws && !this.retryTimer) this.open();
  }

  // Close and connect again at once (e.g. after login: a new token).
  restart() {
    this.attempt = 0;
    this.failedBeforeOpen = 0;
    this.drop();
    this.stopped = false;
    this.open();
  }

  stop() {
    this.stopped = true;
    this.drop();
    this.setStatus('offline');
  }

  retryNow() {
    if (this.stopped || this.ws || !this.retryTimer) return;
    clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.open();
  }

  get isOpen() {
    return this.status === 'open';
  }

  // Sends a message; returns its id, or null when not connected.
  send(msg) {
    if (!this.ws || this.ws.readyState !== WebSocket.OPEN) return null;
    const id = msg.id ?? String(this.nextId++);
    this.ws.send(JSON.stringify({ ...msg, id }));
    return id;
  }

  // Sends a message whose answer (or refusal, e.g. by a server without that extension) does not
  // matter: an `error` echoing its id is then not shown to the user.
  fire(msg) {
    this.request(msg).catch(() => {});
  }

  // Sends and waits for the direct answer (the message echoing the id); rejects on `error`.
  request(msg, timeoutMs = REQUEST_TIMEOUT_MS) {
    return new Promise((resolve, reject) => {
      const id = this.send(msg);
      if (id === null) {
        reject(Object.assign(new Error('Not connected'), { code: 'offline' }));
        return;
      }
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(Object.assign(new Error('No answer from the server'), { code: 'timeout' }));
      }, timeoutMs);
      this.pending.set(id, { resolve, reject, timer });
    });
  }

  setStatus(s) {
    if (s === this.status) return;
    this.status = s;
    this.onStatus(s);
  }

  drop() {
    clearTimeout(this.retryTimer);
    this.retryTimer = null;
    clearInterval(this.pingTimer);
    this.pingTimer = null;
    if (this.ws) {
      const ws = this.ws;
      this.ws = null;
      ws.onopen = ws.onmessage = ws.onclose = ws.onerror = null;
      try {
        ws.close(1000);
      } catch {
        // already closed
      }
    }
    for (const [, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(Object.assign(new Error('Connection lost'), { code: 'offline' }));
    }
    this.pending.clear();
  }

  async open() {
    if (this.stopped) return;
    this.setStatus('connecting');
    let token = null;
    try {
      token = await this.getToken();
    } catch {
      token = null;
    }
    if (this.stopped || this.ws) return;
    if (!token) {
      this.setStatus('offline');
      this.scheduleRetry();
      return;
    }
    const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
    const ws = new WebSocket(`${proto}//${location.host}/ws?token=${encodeURIComponent(token)}`);
    this.ws = ws;
    let opened = false;
    ws.onopen = () => {
      opened = true;
      this.lastHeard = Date.now();
    };
    ws.onmessage = (ev) => {
      this.lastHeard = Date.now();
      let msg;
      try {
        msg = JSON.parse(ev.data);
      } catch {
        return;
      }
      if (!msg || typeof msg !== 'object') return;
      if (msg.t === 'welcome') {
        this.attempt = 0;
        this.failedBeforeOpen = 0;
        this.startPings();
        this.setStatus('open');
      }
      if (msg.id != null && this.pending.has(String(msg.id))) {
        const p = this.pending.get(String(msg.id));
        this.pending.delete(String(msg.id));
        clearTimeout(p.timer);
        if (msg.t === 'error') {
          p.reject(Object.assign(new Error(msg.message || msg.code), { code: msg.code, msg }));
        } else {
          p.resolve(msg);
        }
        msg.handled = true;
      }
      this.onMessage(msg);
    };
    ws.onerror = () => {};
    ws.onclose = (ev) => {
      if (this.ws !== ws) return;
      this.drop();
      this.setStatus('offline');
      if (ev.code === 4001) {
        this.reauth();
        return;
      }
      if (!opened) this.failedBeforeOpen++;
      if (this.failedBeforeOpen >= 2) {
        this.failedBeforeOpen = 0;
        serverHealthy().then((up) => (up ? this.reauth() : this.scheduleRetry()));
        return;
      }
      this.scheduleRetry();
    };
  }

  async reauth() {
    try {
      await this.onAuthFailed();
    } catch {
      // keep the old token; the retry below tries again later
    }
    this.scheduleRetry();
  }

  scheduleRetry() {
    if (this.stopped || this.retryTimer) return;
    // 0.5 s doubling to 8 s, each delay drawn from its upper half (jitter spreads reconnect storms).
    const base = Math.min(BACKOFF_MAX_MS, BACKOFF_MIN_MS * 2 ** this.attempt);
    this.attempt++;
    const delay = base / 2 + Math.random() * (base / 2);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.open();
    }, delay);
  }

  startPings() {
    clearInterval(this.pingTimer);
    this.pingTimer = setInterval(() => {
      if (!this.ws) return;
      if (Date.now() - this.lastHeard > SILENCE_LIMIT_MS) {
        // The network went away without a close frame: force the reconnect path.
        const ws = this.ws;
        ws.onclose && ws.onclose({ code: 1006 });
        return;
      }
      this.fire({ t: 'ping' });
    }, PING_EVERY_MS);
  }
}

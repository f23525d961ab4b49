// HTTP side of the protocol: guest / register / login / logout, game records, the live-games list.
// The token lives in localStorage so that a reload (or another tab) keeps the same identity.

const TOKEN_KEY = 'chuhe.token';
const USER_KEY = 'chuhe.user';

export class HttpError extends Error {
  constructor(status, code, message) {
    super(message || code || `HTTP ${status}`);
    this.status = status;
    this.code = code;
  }
}

export async function http(method, path, { body, token, timeoutMs = 10000 } = {}) {
  const headers = {};
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (token) headers.Authorization = `Bearer ${token}`;
  const ctl = new AbortController();
  const timer = setTimeout(() => ctl.abort(), timeoutMs);
  let res;
  try {
    res = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: ctl.signal,
      cache: 'no-store',
    });
  } catch (e) {
    throw new HttpError(0, 'network', 'Cannot reach the server');
  } finally {
    clearTimeout(timer);
  }
  const text = await res.text().catch(() => '');
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = null;
  }
  if (!res.ok) {
    const err = data && data.error;
    throw new HttpError(res.status, err && err.code, err && err.message);
  }
  return data === null ? text : data;
}

function load(key) {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}

function save(key, value) {
  try {
    if (value == null) localStorage.removeItem(key);
    else localStorage.setItem(key, value);
  } catch {
    // Private mode or storage disabled: the session lasts as long as the page.
  }
}

// The current identity. `user` is what the server last told us (auth answer or `welcome`).
export const session = {
  token: load(TOKEN_KEY),
  user: (() => {
    try {
      return JSON.parse(load(USER_KEY) || 'null');
    } catch {
      return null;
    }
  })(),
  set(token, user) {
    this.token = token;
    this.user = user || null;
    save(TOKEN_KEY, token);
    save(USER_KEY, user ? JSON.stringify(user) : null);
  },
  setUser(user) {
    this.user = user;
    save(USER_KEY, JSON.stringify(user));
  },
};

export async function newGuest() {
  const data = await http('POST', '/api/auth/guest', { body: {} });
  session.set(data.token, data.user);
  return data;
}

export async function register(name, password) {
  const data = await http('POST', '/api/auth/register', { body: { name, password } });
  session.set(data.token, data.user);
  return data;
}

export async function login(name, password) {
  const data = await http('POST', '/api/auth/login', { body: { name, password } });
  session.set(data.token, data.user);
  return data;
}

export async function logout() {
  const token = session.token;
  session.set(null, null);
  if (token) await http('POST', '/api/auth/logout', { token }).catch(() => {});
}

export const fetchGame = (id) => http('GET', `/api/games/${encodeURIComponent(id)}`);

// Extension (not in PROTOCOL.md's core): {"games":[{"game","red","black","tc","moves"}...],"online"?}.
export const fetchLiveGames = () => http('GET', '/api/games/live', { timeoutMs: 5000 });

// Is the server up and its session cache reachable? Used to tell a refused WebSocket upgrade
// (a bad token: the browser cannot see the 401) from a server that is down.
export async function serverHealthy() {
  try {
    const res = await fetch('/healthz', { cache: 'no-store' });
    if (!res.ok) return false;
    const text = await res.text();
    return !/"down"/.test(text);
  } catch {
    return false;
  }
}

// Per-tab memory of the games this tab plays or watches (sessionStorage), so that a reload
// resumes the game as the same player and a rematch knows the settings it was started with.

const KEY = 'chuhe.games';
const MAX_GAMES = 20;

function loadAll() {
  try {
    return JSON.parse(sessionStorage.getItem(KEY) || '{}') || {};
  } catch {
    return {};
  }
}

export function loadGameMeta(id) {
  return loadAll()[id] || null;
}

// meta: {color?, spectator?, tc?, red?, black?, settings?: {kind:'ai'|'seek', tc, level?, color?, rated?}}
export function saveGameMeta(id, meta) {
  const all = loadAll();
  delete all[id];
  all[id] = meta;
  const ids = Object.keys(all);
  for (const old of ids.slice(0, Math.max(0, ids.length - MAX_GAMES))) delete all[old];
  try {
    sessionStorage.setItem(KEY, JSON.stringify(all));
  } catch {
    // storage full or disabled: a reload then watches instead of resuming
  }
}

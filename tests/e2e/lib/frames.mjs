// Records the JSON messages a page's WebSockets receive and send: [{at, dir, msg}] with `at` from
// Date.now(), so a test can compare what the page shows with what the server said.
export function recordFrames(page) {
  const frames = [];
  page.on('websocket', (ws) => {
    const add = (dir) => (f) => {
      try {
        frames.push({ at: Date.now(), dir, msg: JSON.parse(typeof f.payload === 'string' ? f.payload : f.payload.toString()) });
      } catch {
        /* not JSON */
      }
    };
    ws.on('framereceived', add('in'));
    ws.on('framesent', add('out'));
  });
  return {
    frames,
    received: (t) => frames.filter((f) => f.dir === 'in' && (!t || f.msg.t === t)),
    sent: (t) => frames.filter((f) => f.dir === 'out' && (!t || f.msg.t === t)),
  };
}

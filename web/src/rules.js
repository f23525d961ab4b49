// Xiangqi rules for the client: FEN, ICCS, legal move generation, check.
// The server is the authority; this only drives the board (legal destinations, check highlight,
// replaying a game's moves). Pure functions and plain data, so node's test runner can check it
// against fairy-stockfish's perft figures (web/test/rules.test.js).
//
// Squares: sq = rank * 9 + file, file 0..8 = ICCS a..i from Red's left, rank 0..9 from Red's side.
// Pieces: small ints, colour in bit 3: red 1..7, black 9..15; 0 = empty.
// Moves: from | to << 7 (both < 90), so a move is one small int.

export const RED = 0;
export const BLACK = 1;

export const KING = 1;
export const ADVISOR = 2;
export const ELEPHANT = 3;
export const HORSE = 4;
export const CHARIOT = 5;
export const CANNON = 6;
export const PAWN = 7;

const BLACK_BIT = 8;

export const pieceType = (p) => p & 7;
export const pieceColor = (p) => (p & BLACK_BIT ? BLACK : RED);
export const makePiece = (color, type) => type | (color === BLACK ? BLACK_BIT : 0);

export const fileOf = (sq) => sq % 9;
export const rankOf = (sq) => (sq / 9) | 0;
export const square = (file, rank) => rank * 9 + file;

export const moveFrom = (m) => m & 127;
export const moveTo = (m) => m >> 7;
export const makeMove = (from, to) => from | (to << 7);

export const START_FEN = 'rnbakabnr/9/1c5c1/p1p1p1p1p/9/9/P1P1P1P1P/1C5C1/9/RNBAKABNR w - - 0 1';

// FEN letters; 'e'/'h' are accepted on input (some tools write elephant/horse that way).
const FEN_TYPE = { k: KING, a: ADVISOR, b: ELEPHANT, e: ELEPHANT, n: HORSE, h: HORSE, r: CHARIOT, c: CANNON, p: PAWN };
const TYPE_FEN = ['', 'k', 'a', 'b', 'n', 'r', 'c', 'p'];

export function squareName(sq) {
  return String.fromCharCode(97 + fileOf(sq)) + rankOf(sq);
}

export function parseSquare(s) {
  if (typeof s !== 'string' || s.length !== 2) return -1;
  const f = s.charCodeAt(0) - 97;
  const r = s.charCodeAt(1) - 48;
  if (f < 0 || f > 8 || r < 0 || r > 9) return -1;
  return square(f, r);
}

export const moveToIccs = (m) => squareName(moveFrom(m)) + squareName(moveTo(m));

export function parseIccs(s) {
  if (typeof s !== 'string' || s.length !== 4) return -1;
  const from = parseSquare(s.slice(0, 2).toLowerCase());
  const to = parseSquare(s.slice(2).toLowerCase());
  return from < 0 || to < 0 ? -1 : makeMove(from, to);
}

const inPalace = (color, file, rank) =>
  file >= 3 && file <= 5 && (color === RED ? rank >= 0 && rank <= 2 : rank >= 7 && rank <= 9);
const onOwnSide = (color, rank) => (color === RED ? rank <= 4 : rank >= 5);

const ORTHO = [[1, 0], [-1, 0], [0, 1], [0, -1]];
const DIAG = [[1, 1], [1, -1], [-1, 1], [-1, -1]];
// Horse jumps [df, dr] with the leg square [lf, lr] that must be empty.
const HORSE_JUMPS = [
  [1, 2, 0, 1], [-1, 2, 0, 1], [1, -2, 0, -1], [-1, -2, 0, -1],
  [2, 1, 1, 0], [2, -1, 1, 0], [-2, 1, -1, 0], [-2, -1, -1, 0],
];

export class Position {
  constructor() {
    this.board = new Int8Array(90);
    this.turn = RED;
    this.halfmove = 0; // plies since the last capture
    this.fullmove = 1;
  }

  static fromFen(fen) {
    const parts = String(fen).trim().split(/\s+/);
    const rows = (parts[0] || '').split('/');
    if (rows.length !== 10) throw new Error('bad FEN: ' + fen);
    const pos = new Position();
    for (let i = 0; i < 10; i++) {
      const rank = 9 - i;
      let file = 0;
      for (const ch of rows[i]) {
        if (ch >= '1' && ch <= '9') {
          file += ch.charCodeAt(0) - 48;
          continue;
        }
        const type = FEN_TYPE[ch.toLowerCase()];
        if (!type || file > 8) throw new Error('bad FEN: ' + fen);
        pos.board[square(file, rank)] = makePiece(ch === ch.toLowerCase() ? BLACK : RED, type);
        file++;
      }
      if (file !== 9) throw new Error('bad FEN: ' + fen);
    }
    pos.turn = parts[1] === 'b' ? BLACK : RED;
    pos.halfmove = parseInt(parts[4], 10) || 0;
    pos.fullmove = parseInt(parts[5], 10) || 1;
    return pos;
  }

  clone() {
    const p = new Position();
    p.board.set(this.board);
    p.turn = this.turn;
    p.halfmove = this.halfmove;
    p.fullmove = this.fullmove;
    return p;
  }

  // Piece placement and side to move: what two positions must share to be "the same".
  placementFen() {
    const rows = [];
    for (let rank = 9; rank >= 0; rank--) {
      let row = '';
      let empty = 0;
      for (let file = 0; file < 9; file++) {
        const p = this.board[square(file, rank)];
        if (!p) {
          empty++;
          continue;
        }
        if (empty) row += empty;
        empty = 0;
        const ch = TYPE_FEN[pieceType(p)];
        row += pieceColor(p) === RED ? ch.toUpperCase() : ch;
      }
      if (empty) row += empty;
      rows.push(row);
    }
    return rows.join('/') + (this.turn === RED ? ' w' : ' b');
  }

  toFen() {
    return `${this.placementFen()} - - ${this.halfmove} ${this.fullmove}`;
  }

  kingSquare(color) {
    const k = makePiece(color, KING);
    for (let sq = 0; sq < 90; sq++) if (this.board[sq] === k) return sq;
    return -1;
  }

  // Is `sq` attacked by pieces of `by`? Only used for king squares: advisors and elephants never
  // reach the enemy palace, so they are not looked at. The enemy king counts along a file with
  // nothing between (the flying-general rule).
  attacked(sq, by) {
    const b = this.board;
    const f0 = fileOf(sq);
    const r0 = rankOf(sq);
    const enemy = by === BLACK ? BLACK_BIT : 0;
    const R = CHARIOT | enemy;
    const C = CANNON | enemy;
    const K = KING | enemy;
    const N = HORSE | enemy;
    const P = PAWN | enemy;
    for (const [df, dr] of ORTHO) {
      let f = f0 + df;
      let r = r0 + dr;
      let screened = false;
      while (f >= 0 && f <= 8 && r >= 0 && r <= 9) {
        const p = b[r * 9 + f];
        if (p) {
          if (!screened) {
            if (p === R || (p === K && df === 0)) return true;
            screened = true;
          } else {
            if (p === C) return true;
            break;
          }
        }
        f += df;
        r += dr;
      }
    }
    for (const [df, dr, lf, lr] of HORSE_JUMPS) {
      // A horse at (f0 - df, r0 - dr) jumping (df, dr) lands on sq; its leg is next to it.
      const hf = f0 - df;
      const hr = r0 - dr;
      if (hf < 0 || hf > 8 || hr < 0 || hr > 9) continue;
      if (b[hr * 9 + hf] === N && !b[(hr + lr) * 9 + hf + lf]) return true;
    }
    // Pawns: one step forward, or sideways once across the river.
    const fwd = by === RED ? 1 : -1;
    const pr = r0 - fwd;
    if (pr >= 0 && pr <= 9 && b[pr * 9 + f0] === P) return true;
    if (!onOwnSide(by, r0)) {
      if (f0 > 0 && b[r0 * 9 + f0 - 1] === P) return true;
      if (f0 < 8 && b[r0 * 9 + f0 + 1] === P) return true;
    }
    return false;
  }

  inCheck(color = this.turn) {
    const k = this.kingSquare(color);
    return k >= 0 && this.attacked(k, 1 - color);
  }

  // Moves that follow each piece's pattern, ignoring whether they leave the own king in check.
  pseudoMoves(out = []) {
    const b = this.board;
    const us = this.turn;
    const own = us === BLACK ? BLACK_BIT : 0;
    const isOwn = (p) => p !== 0 && (p & BLACK_BIT) === own;
    const add = (from, f, r) => {
      const to = r * 9 + f;
      if (!isOwn(b[to])) out.push(from | (to << 7));
    };
    for (let from = 0; from < 90; from++) {
      const p = b[from];
      if (!isOwn(p)) continue;
      const f0 = from % 9;
      const r0 = (from / 9) | 0;
      switch (p & 7) {
        case KING:
          for (const [df, dr] of ORTHO) {
            if (inPalace(us, f0 + df, r0 + dr)) add(from, f0 + df, r0 + dr);
          }
          break;
        case ADVISOR:
          for (const [df, dr] of DIAG) {
            if (inPalace(us, f0 + df, r0 + dr)) add(from, f0 + df, r0 + dr);
          }
          break;
        case ELEPHANT:
          for (const [df, dr] of DIAG) {
            const f = f0 + 2 * df;
            const r = r0 + 2 * dr;
            if (f < 0 || f > 8 || r < 0 || r > 9 || !onOwnSide(us, r)) continue;
            if (!b[(r0 + dr) * 9 + f0 + df]) add(from, f, r);
          }
          break;
        case HORSE:
          for (const [df, dr, lf, lr] of HORSE_JUMPS) {
            const f = f0 + df;
            const r = r0 + dr;
            if (f < 0 || f > 8 || r < 0 || r > 9) continue;
            if (!b[(r0 + lr) * 9 + f0 + lf]) add(from, f, r);
          }
          break;
        case CHARIOT:
        case CANNON: {
          const cannon = (p & 7) === CANNON;
          for (const [df, dr] of ORTHO) {
            let f = f0 + df;
            let r = r0 + dr;
            let screened = false;
            while (f >= 0 && f <= 8 && r >= 0 && r <= 9) {
              const q = b[r * 9 + f];
              if (!screened) {
                if (!q) out.push(from | ((r * 9 + f) << 7));
                else if (cannon) screened = true;
                else {
                  if (!isOwn(q)) out.push(from | ((r * 9 + f) << 7));
                  break;
                }
              } else if (q) {
                if (!isOwn(q)) out.push(from | ((r * 9 + f) << 7));
                break;
              }
              f += df;
              r += dr;
            }
          }
          break;
        }
        case PAWN: {
          const fwd = us === RED ? 1 : -1;
          if (r0 + fwd >= 0 && r0 + fwd <= 9) add(from, f0, r0 + fwd);
          if (!onOwnSide(us, r0)) {
            if (f0 > 0) add(from, f0 - 1, r0);
            if (f0 < 8) add(from, f0 + 1, r0);
          }
          break;
        }
        default:
          break;
      }
    }
    return out;
  }

  // Make/unmake in place (for search-like loops); returns the captured piece for undo().
  doMove(m) {
    const from = m & 127;
    const to = m >> 7;
    const captured = this.board[to];
    this.board[to] = this.board[from];
    this.board[from] = 0;
    this.turn = 1 - this.turn;
    return captured;
  }

  undoMove(m, captured) {
    const from = m & 127;
    const to = m >> 7;
    this.board[from] = this.board[to];
    this.board[to] = captured;
    this.turn = 1 - this.turn;
  }

  legalMoves() {
    const us = this.turn;
    const moves = this.pseudoMoves();
    const legal = [];
    let king = this.kingSquare(us);
    for (const m of moves) {
      const cap = this.doMove(m);
      const k = (m & 127) === king ? m >> 7 : king;
      if (k < 0 || !this.attacked(k, 1 - us)) legal.push(m);
      this.undoMove(m, cap);
    }
    return legal;
  }

  isLegal(m) {
    return this.legalMoves().includes(m);
  }

  // A new position after move m (assumed legal); the receiver is unchanged.
  play(m) {
    const next = this.clone();
    const captured = next.doMove(m);
    next.halfmove = captured ? 0 : this.halfmove + 1;
    if (this.turn === BLACK) next.fullmove = this.fullmove + 1;
    return next;
  }

  perft(depth) {
    if (depth === 0) return 1;
    const moves = this.legalMoves();
    if (depth === 1) return moves.length;
    let n = 0;
    for (const m of moves) {
      const cap = this.doMove(m);
      n += this.perft(depth - 1);
      this.undoMove(m, cap);
    }
    return n;
  }
}

// Replays ICCS moves from a FEN. Returns the positions (positions[i] is before move i, the last
// one is after every move) and the index of the first move that was not legal (-1 when all were).
export function replay(fen, moves) {
  const positions = [Position.fromFen(fen)];
  for (let i = 0; i < moves.length; i++) {
    const pos = positions[positions.length - 1];
    const m = parseIccs(moves[i]);
    if (m < 0 || !pos.isLegal(m)) return { positions, bad: i };
    positions.push(pos.play(m));
  }
  return { positions, bad: -1 };
}

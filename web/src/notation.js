// Move notation: Chinese (炮二平五, 马８进７) and its Latin twin, WXF (C2.5, H8+7).
// Both name the piece, its file counted from the mover's right (Red 一..九, Black １..９), the
// direction (进 + forward, 退 - back, 平 . sideways) and either the steps (straight movers going
// forward or back) or the destination file. Two or more like pieces on one file are told apart
// by their order from the mover's side: 前/后, 前/中/后, or 一..五 for four or five pawns; when
// two files hold several pawns each, the file number stays and the pawn's name goes.

import {
  RED, BLACK, KING, ADVISOR, ELEPHANT, HORSE, CHARIOT, CANNON, PAWN,
  pieceType, pieceColor, fileOf, rankOf, moveFrom, moveTo, square,
} from './rules.js';

const ZH_NAMES = [
  ['', '帅', '仕', '相', '马', '车', '炮', '兵'],
  ['', '将', '士', '象', '马', '车', '炮', '卒'],
];
const WXF_LETTERS = ['', 'K', 'A', 'E', 'H', 'R', 'C', 'P'];
const RED_DIGITS = ['', '一', '二', '三', '四', '五', '六', '七', '八', '九'];
const BLACK_DIGITS = ['', '１', '２', '３', '４', '５', '６', '７', '８', '９'];

// File number from the mover's right: Red's a-file is 9, Black's a-file is 1.
const fileNumber = (color, file) => (color === RED ? 9 - file : file + 1);

function tandemInfo(pos, from) {
  const p = pos.board[from];
  const color = pieceColor(p);
  const type = pieceType(p);
  const file = fileOf(from);
  // Same piece on the same file, ordered front (nearest the enemy) first.
  const same = [];
  for (let r = 0; r < 10; r++) if (pos.board[square(file, r)] === p) same.push(r);
  if (same.length < 2 || type === ADVISOR || type === ELEPHANT || type === KING) return null;
  same.sort((a, b) => (color === RED ? b - a : a - b));
  let multiFile = false;
  if (type === PAWN) {
    let files = 0;
    for (let f = 0; f < 9; f++) {
      let n = 0;
      for (let r = 0; r < 10; r++) if (pos.board[square(f, r)] === p) n++;
      if (n >= 2) files++;
    }
    multiFile = files > 1;
  }
  return { index: same.indexOf(rankOf(from)), count: same.length, multiFile };
}

function parts(pos, m) {
  const from = moveFrom(m);
  const to = moveTo(m);
  const p = pos.board[from];
  if (!p) return null;
  const color = pieceColor(p);
  const type = pieceType(p);
  const forward = (rankOf(to) - rankOf(from)) * (color === RED ? 1 : -1);
  const dir = forward > 0 ? 1 : forward < 0 ? -1 : 0;
  const straight = type === KING || type === CHARIOT || type === CANNON || type === PAWN;
  const number = straight && dir !== 0 ? Math.abs(forward) : fileNumber(color, fileOf(to));
  return {
    color, type, dir, number,
    file: fileNumber(color, fileOf(from)),
    tandem: tandemInfo(pos, from),
  };
}

export function chineseMove(pos, m) {
  const x = parts(pos, m);
  if (!x) return '?';
  const digits = x.color === RED ? RED_DIGITS : BLACK_DIGITS;
  const name = ZH_NAMES[x.color][x.type];
  const action = x.dir > 0 ? '进' : x.dir < 0 ? '退' : '平';
  let head = name + digits[x.file];
  const t = x.tandem;
  if (t) {
    let marker;
    if (t.count === 2) marker = ['前', '后'][t.index];
    else if (t.count === 3) marker = ['前', '中', '后'][t.index];
    else marker = RED_DIGITS[t.index + 1];
    head = marker + (t.multiFile ? digits[x.file] : name);
  }
  return head + action + digits[x.number];
}

export function wxfMove(pos, m) {
  const x = parts(pos, m);
  if (!x) return '?';
  const letter = WXF_LETTERS[x.type];
  const action = x.dir > 0 ? '+' : x.dir < 0 ? '-' : '.';
  let head = letter + x.file;
  const t = x.tandem;
  if (t) {
    // WXF: front '+', rear '-', a middle pawn keeps its file; with four or five pawns the outer
    // ones double the sign in place of the letter; with tandems on two files the file leads.
    const last = t.count - 1;
    let sign;
    if (t.index === 0) sign = '+';
    else if (t.index === last) sign = '-';
    else if (t.count >= 4 && t.index === 1) sign = '+';
    else if (t.count >= 4 && t.index === last - 1) sign = '-';
    else sign = String(x.file);
    if (t.multiFile) head = String(x.file) + sign;
    else if (t.count >= 4 && (t.index === 0 || t.index === last)) head = sign + sign;
    else head = letter + sign;
  }
  return head + action + x.number;
}

export const colorName = (c) => (c === BLACK ? 'black' : 'red');

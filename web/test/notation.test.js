import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Position, START_FEN, parseIccs, replay } from '../src/rules.js';
import { chineseMove, wxfMove } from '../src/notation.js';

const both = (fen, iccs) => {
  const pos = Position.fromFen(fen);
  const m = parseIccs(iccs);
  return [chineseMove(pos, m), wxfMove(pos, m)];
};

test('opening moves', () => {
  const { positions } = replay(START_FEN, ['h2e2', 'h9g7', 'b0c2', 'c6c5', 'c0a2', 'f9e8', 'a0a1', 'i9i8', 'h0g2']);
  const moves = ['h2e2', 'h9g7', 'b0c2', 'c6c5', 'c0a2', 'f9e8', 'a0a1', 'i9i8', 'h0g2'];
  const zh = moves.map((m, i) => chineseMove(positions[i], parseIccs(m)));
  const wxf = moves.map((m, i) => wxfMove(positions[i], parseIccs(m)));
  assert.deepEqual(zh, ['炮二平五', '马８进７', '马八进七', '卒３进１', '相七进九', '士６进５', '车九进一', '车９进１', '马二进三']);
  assert.deepEqual(wxf, ['C2.5', 'H8+7', 'H8+7', 'P3+1', 'E7+9', 'A6+5', 'R9+1', 'R9+1', 'H2+3']);
});

test('backward and sideways moves count steps or name the file', () => {
  const fen = '3k5/9/9/9/9/9/9/4C4/9/4K1R2 w - - 0 1';
  assert.deepEqual(both(fen, 'e2e1'), ['炮五退一', 'C5-1']);
  assert.deepEqual(both(fen, 'g0g9'), ['车三进九', 'R3+9']);
  assert.deepEqual(both(fen, 'e0f0'), ['帅五平四', 'K5.4']);
  assert.deepEqual(both('3k5/9/9/9/9/9/9/9/9/4K4 b - - 0 1', 'd9d8'), ['将４进１', 'K4+1']);
});

test('tandem pieces', () => {
  // Two red chariots on the e-file: the one nearer Black is the front one.
  const rr = '3k5/9/9/9/4R4/9/4R4/9/9/5K3 w - - 0 1';
  assert.deepEqual(both(rr, 'e5e6'), ['前车进一', 'R++1']);
  assert.deepEqual(both(rr, 'e3d3'), ['后车平六', 'R-.6']);
  // Two black cannons on the b-file: for Black the front one has the lower rank.
  const cc = '3k5/1c7/9/1c7/9/9/9/9/9/5K3 b - - 0 1';
  assert.deepEqual(both(cc, 'b6b5'), ['前炮进１', 'C++1']);
  assert.deepEqual(both(cc, 'b8b9'), ['后炮退１', 'C--1']);
  // Three pawns on one file: front, middle, rear.
  const ppp = '3k5/9/2P6/2P6/2P6/9/9/9/9/5K3 w - - 0 1';
  assert.deepEqual(both(ppp, 'c7d7'), ['前兵平六', 'P+.6']);
  assert.deepEqual(both(ppp, 'c6d6'), ['中兵平六', 'P7.6']);
  assert.deepEqual(both(ppp, 'c5d5'), ['后兵平六', 'P-.6']);
  // Pawns doubled on two files: the file number replaces the pawn's name.
  const pp2 = '3k5/9/9/2P3P2/2P3P2/9/9/9/9/5K3 w - - 0 1';
  assert.deepEqual(both(pp2, 'c6c7'), ['前七进一', '7++1']);
  assert.deepEqual(both(pp2, 'g5f5'), ['后三平四', '3-.4']);
  // Advisors on one file need no marker: the direction tells them apart.
  assert.deepEqual(both('3k5/9/9/9/9/9/9/3A5/9/3AK4 w - - 0 1', 'd2e1'), ['仕六退五', 'A6-5']);
});

// Rules checked against fairy-stockfish's figures (shared/data, see its README).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Position, START_FEN, moveToIccs, parseIccs, replay } from '../src/rules.js';

const here = dirname(fileURLToPath(import.meta.url));
const dataDir = process.env.CHUHE_SHARED_DATA_DIR || resolve(here, '../../../shared/data');

function readSuite(name) {
  const file = resolve(dataDir, name);
  if (!existsSync(file)) return null;
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => {
      const [fen, depth, nodes, count, moves] = l.split('\t');
      return {
        fen, depth: +depth, nodes: +nodes, count: +count,
        moves: (moves || '').trim() ? moves.trim().split(/\s+/) : [],
      };
    });
}

const legalList = (pos) => pos.legalMoves().map(moveToIccs).sort();

test('start position perft 1-4 (44, 1920, 79666, 3290240)', () => {
  const pos = Position.fromFen(START_FEN);
  assert.equal(pos.perft(1), 44);
  assert.equal(pos.perft(2), 1920);
  assert.equal(pos.perft(3), 79666);
  assert.equal(pos.perft(4), 3290240);
  assert.equal(pos.toFen(), START_FEN, 'make/unmake leaves the position as it was');
});

test('FEN round trip', () => {
  const fen = 'r1bakabnr/9/c1n6/C1p3p2/7cp/2P6/P3P1P1P/BC6N/9/RN1AKAB1R w - - 1 8';
  assert.equal(Position.fromFen(fen).toFen(), fen);
  assert.throws(() => Position.fromFen('rnbakabnr/9 w'));
});

const suite = readSuite('perft-suite.tsv');

test('legal move lists of the perft suite', { skip: !suite && 'shared/data not found' }, () => {
  assert.ok(suite.length >= 300);
  let mates = 0;
  for (const row of suite) {
    const pos = Position.fromFen(row.fen);
    const got = legalList(pos);
    assert.equal(got.length, row.count, row.fen);
    assert.deepEqual(got, [...row.moves].sort(), row.fen);
    if (got.length === 0) mates++;
  }
  assert.ok(mates >= 20, 'the suite ends with 20 mated or stalemated positions');
});

test('perft suite: depth 2 by replay, depth 4 exactly on the two smallest', { skip: !suite && 'shared/data not found' }, () => {
  // perft() works in place (doMove/undoMove); at depth 2 it must agree with copying play() through
  // each of fairy-stockfish's listed moves.
  for (const row of suite.slice(0, 40)) {
    const pos = Position.fromFen(row.fen);
    let n = 0;
    for (const mv of row.moves) n += pos.play(parseIccs(mv)).legalMoves().length;
    assert.equal(pos.perft(2), n, row.fen);
  }
  // Depth 4 exactly, on the two smallest rows (kept fast).
  const small = [...suite].filter((r) => r.depth === 4 && r.nodes > 0).sort((a, b) => a.nodes - b.nodes).slice(0, 2);
  for (const row of small) assert.equal(Position.fromFen(row.fen).perft(4), row.nodes, row.fen);
});

const reference = readSuite('reference-perft.tsv');

test('published positions: legal lists, full-depth perft of the smallest', { skip: !reference && 'shared/data not found' }, () => {
  for (const row of reference) {
    const pos = Position.fromFen(row.fen);
    assert.deepEqual(legalList(pos), [...row.moves].sort(), row.fen);
  }
  // The smallest published count at full depth (92,741 nodes at depth 4).
  const smallest = reference.filter((r) => r.nodes < 200000);
  for (const row of smallest) assert.equal(Position.fromFen(row.fen).perft(row.depth), row.nodes, row.fen);
});

test('flying general, check and replay', () => {
  // Kings on one open file: the king may not step onto it, the blocker may not leave it.
  const pos = Position.fromFen('4k4/9/9/9/9/9/9/9/9/3K5 w - - 0 1');
  const moves = legalList(pos);
  assert.ok(!moves.includes('d0e0'), 'king may not face the other king');
  assert.ok(Position.fromFen('3k5/9/9/9/9/9/9/9/9/4K4 w - - 0 1').legalMoves().length > 0);
  const facing = Position.fromFen('4k4/9/9/9/9/9/9/9/4R4/4K4 w - - 0 1');
  assert.ok(!legalList(facing).includes('e1d1'), 'the only screen between the kings is pinned');
  assert.ok(Position.fromFen('4k4/9/9/9/9/9/9/9/4R4/4K4 b - - 0 1').inCheck(), 'chariot gives check');
  const { positions, bad } = replay(START_FEN, ['h2e2', 'h9g7', 'e2e6', 'zzzz']);
  assert.equal(bad, 3);
  assert.equal(positions.length, 4);
  assert.ok(!positions[3].inCheck(), 'cannon on e6 has no screen before the king');
  assert.ok(Position.fromFen('4k4/9/9/9/4p4/9/9/9/4C4/3K5 b - - 0 1').inCheck(), 'cannon checks over a screen');
  assert.ok(!Position.fromFen('4k4/9/9/9/9/9/9/9/4C4/3K5 b - - 0 1').inCheck(), 'cannon needs a screen');
});

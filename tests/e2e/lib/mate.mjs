// A five-ply checkmate from the start position, checked with the client's rules (web/src/rules.js)
// so that it cannot silently rot: found by a full-width helpmate search (none is shorter).
//   1. b2c2 (cannon to c2)  b7c7      2. c2c6 (takes the pawn over the c3 soldier)  f9e8
//   3. c6c9+ (takes the elephant; d9 advisor screens e9; f9 is covered after the king moves) mate
import { Position, START_FEN, parseIccs, moveToIccs } from '../../../web/src/rules.js';

export const MATE_LINE = ['b2c2', 'b7c7', 'c2c6', 'f9e8', 'c6c9'];

// Throws unless `moves` are legal from the start and leave Black checkmated.
export function verifyMate(moves = MATE_LINE) {
  let p = Position.fromFen(START_FEN);
  moves.forEach((s, i) => {
    const m = parseIccs(s);
    if (m < 0 || !p.isLegal(m)) {
      throw new Error(`mate line: ${s} (ply ${i}) is not legal in ${p.toFen()}; legal: ${p.legalMoves().map(moveToIccs).join(' ')}`);
    }
    p = p.play(m);
  });
  if (!p.inCheck() || p.legalMoves().length !== 0) throw new Error(`mate line does not end in checkmate: ${p.toFen()}`);
  return p.toFen();
}

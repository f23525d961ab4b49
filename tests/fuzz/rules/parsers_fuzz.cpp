// libFuzzer target for the rules engine's text parsers.
// Input: a FEN on the first line; each following whitespace-separated token is tried as an ICCS,
// WXF and Chinese move on the parsed position, and played if legal (at most 8 moves).
// Checked: nothing crashes or reads out of bounds (ASan/UBSan); a refused FEN has a message; an
// accepted FEN gives a consistent position whose FEN re-parses to itself; every legal move's WXF and
// Chinese forms parse back to it; after each move the position stays consistent and round-trips.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "rules/game.h"
#include "rules/movegen.h"
#include "rules/notation.h"
#include "rules/position.h"

namespace {

using namespace chuhe::rules;

void check(bool ok) {
  if (!ok) std::abort();
}

void check_round_trip(const Position& pos) {
  check(pos.is_consistent());
  // Counters may outgrow what a FEN accepts after many plies; compare those only when in range.
  if (pos.rule60() > 999999 || pos.fullmove_number() > 999999) return;
  Position again;
  check(!again.set_fen(pos.fen()));
  check(again.fen() == pos.fen());
  check(again.key() == pos.key());
}

void check_moves(const Position& pos) {
  MoveList moves;
  generate_legal(pos, moves);
  check(count_legal(pos) == moves.size());
  for (Move m : moves) {
    check(is_legal(pos, m));
    check(parse_iccs(to_iccs(m)) == m);
    check(parse_wxf(pos, to_wxf(pos, m)) == m);
    check(parse_chinese(pos, to_chinese(pos, m)) == m);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::size_t nl = input.find('\n');
  const std::string_view fen = input.substr(0, nl);
  const std::string_view rest = nl == std::string_view::npos ? std::string_view() : input.substr(nl + 1);

  Position pos;
  if (auto err = pos.set_fen(fen)) {
    check(!err->message.empty());
    check(pos.fen() == Position::kStartFen);  // unchanged
    return 0;
  }
  check_round_trip(pos);
  check_moves(pos);

  Game game;
  check(!game.reset(fen));
  StateInfo states[8];
  int played = 0;
  std::size_t i = 0;
  while (i < rest.size() && played < 8) {
    while (i < rest.size() && (rest[i] == ' ' || rest[i] == '\n' || rest[i] == '\t')) ++i;
    std::size_t j = i;
    while (j < rest.size() && rest[j] != ' ' && rest[j] != '\n' && rest[j] != '\t') ++j;
    const std::string_view token = rest.substr(i, j - i);
    i = j;
    if (token.empty()) continue;
    std::optional<Move> m = parse_iccs(token);
    if (m && !is_legal(pos, *m)) m.reset();
    if (!m) m = parse_wxf(pos, token);
    if (!m) m = parse_chinese(pos, token);
    const PlayResult r = game.play_iccs(token);
    if (!m) continue;
    check(is_legal(pos, *m));
    pos.do_move(*m, states[played++]);
    check_round_trip(pos);
    check_moves(pos);
    if (r != PlayResult::Ok) check(game.play(*m) == PlayResult::Ok || game.is_over());
  }
  return 0;
}

#include "rules/game.h"

#include <cassert>
#include <deque>
#include <vector>

#include "rules/notation.h"

namespace chuhe::rules {

// Lives on the heap so that the Position's StateInfo chain (pointers into `states`, and into the
// Position itself) survives moves of the Game object.
struct Game::Impl {
  RuleConfig config;
  std::string initial_fen{Position::kStartFen};
  Position pos;
  std::deque<StateInfo> states;  // one per move played; a deque never moves its elements
  std::vector<PlyRecord> history;
  std::optional<GameResult> result;
};

Game::Game(RuleConfig config) : impl_(std::make_unique<Impl>()) {
  impl_->config = config;
  evaluate();
}

Game::Game(const Game& other) : impl_(std::make_unique<Impl>()) {
  impl_->config = other.impl_->config;
  impl_->initial_fen = other.impl_->initial_fen;
  [[maybe_unused]] auto err = impl_->pos.set_fen(impl_->initial_fen);
  assert(!err);
  for (const PlyRecord& r : other.impl_->history) {
    impl_->pos.do_move(r.move, impl_->states.emplace_back());
    impl_->history.push_back(r);
  }
  impl_->result = other.impl_->result;
}

Game& Game::operator=(const Game& other) {
  if (this != &other) *this = Game(other);
  return *this;
}

Game::Game(Game&& other) noexcept = default;
Game& Game::operator=(Game&& other) noexcept = default;
Game::~Game() = default;

std::optional<FenError> Game::reset(std::string_view fen) {
  Position p;
  if (auto err = p.set_fen(fen)) return err;
  impl_->initial_fen = std::string(fen);
  impl_->states.clear();
  impl_->history.clear();
  impl_->pos = p;
  evaluate();
  return std::nullopt;
}

PlayResult Game::play(Move m) {
  if (impl_->result) return PlayResult::GameOver;
  if (!is_legal(impl_->pos, m)) return PlayResult::IllegalMove;
  const Piece captured = impl_->pos.piece_on(m.to());
  StateInfo& st = impl_->states.emplace_back();
  impl_->pos.do_move(m, st);
  impl_->history.push_back(PlyRecord{m, st.key, st.in_check, captured});
  evaluate();
  return PlayResult::Ok;
}

PlayResult Game::play_iccs(std::string_view iccs) {
  const auto m = parse_iccs(iccs);
  if (!m) return impl_->result ? PlayResult::GameOver : PlayResult::BadNotation;
  return play(*m);
}

bool Game::undo() {
  if (impl_->history.empty()) return false;
  impl_->pos.undo_move(impl_->history.back().move);
  impl_->history.pop_back();
  impl_->states.pop_back();
  evaluate();
  return true;
}

const Position& Game::position() const { return impl_->pos; }
std::string Game::fen() const { return impl_->pos.fen(); }
const std::string& Game::initial_fen() const { return impl_->initial_fen; }
std::span<const PlyRecord> Game::history() const { return impl_->history; }
int Game::ply() const { return int(impl_->history.size()); }
const RuleConfig& Game::config() const { return impl_->config; }
std::optional<GameResult> Game::result() const { return impl_->result; }

void Game::legal_moves(MoveList& out) const {
  if (impl_->result)
    out.clear();
  else
    generate_legal(impl_->pos, out);
}

namespace {

bool insufficient_material(const Position& pos) {
  for (Color c : {Color::Red, Color::Black})
    for (PieceType t : {PieceType::Chariot, PieceType::Horse, PieceType::Cannon, PieceType::Soldier})
      if (pos.count(c, t) > 0) return false;
  return true;
}

}  // namespace

// Decides whether the current position ends the game. Order matters where two rules apply at once:
// a move that mates or stalemates wins even on the ply that reaches the natural limit or repeats a
// position; a perpetual-check verdict outranks the natural limit's draw.
void Game::evaluate() {
  const Position& pos = impl_->pos;
  auto& result = impl_->result;
  result.reset();
  if (!has_legal_move(pos)) {
    result = GameResult{win_for(~pos.side_to_move()), pos.in_check() ? EndReason::Checkmate : EndReason::Stalemate};
  } else if (insufficient_material(pos)) {
    result = GameResult{Outcome::Draw, EndReason::InsufficientMaterial};
  } else if (auto rep = detect_repetition(pos, impl_->config.repetition_fold)) {
    result = rep;
  } else if (impl_->config.natural_limit_plies > 0 && pos.rule60() >= impl_->config.natural_limit_plies) {
    result = GameResult{Outcome::Draw, EndReason::NaturalLimit};
  }
}

}  // namespace chuhe::rules

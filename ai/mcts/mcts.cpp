#include "ai/mcts/mcts.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "ai/mcts/puct.h"

namespace chuhe::ai::mcts {

namespace {

using Clock = std::chrono::steady_clock;

// Values are stored from the view of the side that played the node's move (its parent's side to
// move), so a parent picks the child with the highest Q.
//
// Terminal nodes are those whose value is known exactly: the rules ended the game there (found when
// the parent is expanded: every child move is played and adjudicated), or it is proven from its
// children (MCTS-solver): a child that wins for the side to move makes the node lost for the side
// that played into it; children that are all known make it known (the best of them, negated).
struct Node {
  std::uint32_t first_child = 0;
  std::uint16_t child_count = 0;
  rules::Move move;
  float prior = 0;
  int visits = 0;           // completed, plus virtual losses in flight
  int in_flight = 0;        // virtual losses in flight
  float value_sum = 0;
  enum : std::uint8_t { Leaf, Expanding, Expanded, Terminal } state = Leaf;
  float terminal_value = 0;  // exact value of a Terminal node, same view as value_sum
};

class Tree {
 public:
  Tree(const rules::Game& game, nn::Evaluator& ev, const MctsLimits& lim, const std::atomic<bool>* stop)
      : root_game_(game), ev_(ev), lim_(lim), stop_(stop), start_(Clock::now()) {
    nodes_.reserve(1 << 16);
    nodes_.emplace_back();
  }

  MctsResult run();

 private:
  bool should_stop() {
    if (stop_ && stop_->load(std::memory_order_relaxed)) return true;
    if (root_won_) return true;  // a move that wins by force was found: nothing left to search
    if (lim_.visits > 0 && started_ >= lim_.visits) return true;
    if (lim_.movetime_ms > 0 && Clock::now() - start_ >= std::chrono::milliseconds(lim_.movetime_ms)) return true;
    return false;
  }
  void worker(rules::Game& game);
  bool simulate(rules::Game& game, std::unique_lock<std::mutex>& lock, nn::Evaluator::Seat& seat);
  std::uint32_t select_child(std::uint32_t parent);
  void expand(std::uint32_t node, const nn::Evaluation& e, const std::vector<float>& child_verdicts,
              const std::vector<float>& capture_weights);
  void backup(const std::vector<std::uint32_t>& path, float leaf_value);
  void solve(const std::vector<std::uint32_t>& path);
  bool try_solve(std::uint32_t node, float& value) const;

  const rules::Game& root_game_;
  nn::Evaluator& ev_;
  MctsLimits lim_;
  const std::atomic<bool>* stop_;
  Clock::time_point start_;

  std::mutex mu_;  // guards everything below
  std::condition_variable expanded_cv_;
  std::vector<Node> nodes_;
  int started_ = 0;
  int completed_ = 0;
  std::uint64_t expansions_ = 0;
  bool root_won_ = false;
};

constexpr float kNoVerdict = 2.0f;  // child_verdicts: the game goes on after this move

// The verdict of an ended game, for the side that just moved.
float terminal_value(const rules::Game& g, const rules::GameResult& r) {
  if (r.outcome == rules::Outcome::Draw) return 0.0f;
  const rules::Color mover = ~g.position().side_to_move();
  return r.outcome == rules::win_for(mover) ? 1.0f : -1.0f;
}

std::uint32_t Tree::select_child(std::uint32_t parent) {
  const Node& p = nodes_[parent];
  // Parent's value for its side to move (its own value_sum is from the other side's view), from its
  // completed simulations: the virtual loss in flight on the parent (this very simulation's, at
  // least) would otherwise raise it and make every unvisited child look better than it is.
  const float parent_q = value_for_side_to_move({p.visits, p.in_flight, p.value_sum});
  const float fpu = parent_q - lim_.fpu_reduction;
  const float sqrt_n = std::sqrt(float(std::max(p.visits, 1)));
  std::uint32_t best = p.first_child;
  float best_score = -1e30f;
  for (std::uint32_t c = p.first_child; c < p.first_child + p.child_count; ++c) {
    const Node& ch = nodes_[c];
    const float q = ch.state == Node::Terminal ? ch.terminal_value
                    : ch.visits > 0           ? ch.value_sum / float(ch.visits)
                                              : fpu;
    const float u = lim_.c_puct * ch.prior * sqrt_n / float(1 + ch.visits);
    if (q + u > best_score) {
      best_score = q + u;
      best = c;
    }
  }
  return best;
}

void Tree::expand(std::uint32_t node, const nn::Evaluation& e, const std::vector<float>& child_verdicts,
                  const std::vector<float>& capture_weights) {
  const auto first = std::uint32_t(nodes_.size());
  // A share (capture_prior) of the prior goes to the captures, by the value of what they take: the
  // small network's policy often gives a winning capture almost nothing, and PUCT then never visits
  // it in a search of ~150 simulations (capture_prior_weights).
  float weight_sum = 0;
  for (int i = 0; i < e.count; ++i) weight_sum += capture_weights[std::size_t(i)];
  const float share = weight_sum > 0 ? lim_.capture_prior : 0.0f;
  for (int i = 0; i < e.count; ++i) {
    Node ch;
    ch.move = e.moves[std::size_t(i)];
    ch.prior = (1.0f - share) * e.priors[std::size_t(i)] +
               (share > 0 ? share * capture_weights[std::size_t(i)] / weight_sum : 0.0f);
    if (child_verdicts[std::size_t(i)] != kNoVerdict) {
      ch.state = Node::Terminal;
      ch.terminal_value = child_verdicts[std::size_t(i)];
    }
    nodes_.push_back(ch);
  }
  Node& n = nodes_[node];  // after the push_backs: they may have moved the vector
  n.first_child = first;
  n.child_count = std::uint16_t(e.count);
  n.state = Node::Expanded;
}

void Tree::backup(const std::vector<std::uint32_t>& path, float leaf_value) {
  // leaf_value is for the side that moved into the leaf; it flips sign at every level up. The
  // virtual loss (one visit counted as a loss) comes off as the real result goes on.
  float v = leaf_value;
  for (auto it = path.rbegin(); it != path.rend(); ++it) {
    Node& n = nodes_[*it];
    n.value_sum += v + 1.0f;  // +1 undoes the virtual loss's -1; the visit already counts
    n.in_flight -= 1;
    v = -v;
  }
}

// Whether an expanded node's value is now known from its children; if so, `value` (the view of the
// side that played into the node).
bool Tree::try_solve(std::uint32_t node, float& value) const {
  const Node& n = nodes_[node];
  if (n.state != Node::Expanded || n.child_count == 0) return false;
  float best = -2.0f;  // best known child value, for the node's side to move
  bool all_known = true;
  for (std::uint32_t c = n.first_child; c < n.first_child + n.child_count; ++c) {
    const Node& ch = nodes_[c];
    if (ch.state != Node::Terminal) {
      all_known = false;
      continue;
    }
    if (ch.terminal_value >= 1.0f) {  // a move that wins: the node is lost for whoever played into it
      value = -1.0f;
      return true;
    }
    best = std::max(best, ch.terminal_value);
  }
  if (!all_known) return false;
  value = -best;
  return true;
}

// After a backup: marks the nodes of `path` whose value became known, from the leaf up. The root
// is never marked (the search goes on from it); a root move that wins ends the search.
void Tree::solve(const std::vector<std::uint32_t>& path) {
  for (std::size_t i = path.size(); i-- > 1;) {
    Node& n = nodes_[path[i]];
    if (n.state == Node::Terminal) continue;
    float value = 0;
    if (!try_solve(path[i], value)) return;
    n.state = Node::Terminal;
    n.terminal_value = value;
  }
  const Node& root = nodes_[0];
  for (std::uint32_t c = root.first_child; c < root.first_child + root.child_count; ++c)
    if (nodes_[c].state == Node::Terminal && nodes_[c].terminal_value >= 1.0f) root_won_ = true;
}

// One simulation: select under the lock, evaluate without it, expand and back up under it.
// Returns false when the search should end.
bool Tree::simulate(rules::Game& game, std::unique_lock<std::mutex>& lock, nn::Evaluator::Seat& seat) {
  if (should_stop()) return false;
  ++started_;
  std::vector<std::uint32_t> path{0};
  nodes_[0].visits += 1;
  nodes_[0].in_flight += 1;
  nodes_[0].value_sum -= 1.0f;
  std::uint32_t cur = 0;
  int played = 0;
  while (nodes_[cur].state == Node::Expanded) {
    cur = select_child(cur);
    nodes_[cur].visits += 1;      // virtual loss: counted as a lost visit until backed up
    nodes_[cur].in_flight += 1;
    nodes_[cur].value_sum -= 1.0f;
    path.push_back(cur);
    game.play(nodes_[cur].move);
    ++played;
  }
  float leaf_value = 0;
  Node& leaf = nodes_[cur];
  if (leaf.state == Node::Terminal) {
    leaf_value = leaf.terminal_value;
  } else if (leaf.state == Node::Expanding) {
    // Another thread is evaluating this leaf: take the virtual loss back and wait for an expansion.
    for (std::uint32_t i : path) {
      nodes_[i].visits -= 1;
      nodes_[i].in_flight -= 1;
      nodes_[i].value_sum += 1.0f;
    }
    --started_;
    for (int i = 0; i < played; ++i) game.undo();
    const std::uint64_t seen = expansions_;
    seat.park(true);
    expanded_cv_.wait(lock, [&] { return expansions_ != seen || completed_ >= started_ || should_stop(); });
    seat.park(false);
    return true;
  } else if (auto r = game.result()) {
    leaf.state = Node::Terminal;
    leaf.terminal_value = terminal_value(game, *r);
    leaf_value = leaf.terminal_value;
  } else {
    leaf.state = Node::Expanding;
    const rules::Position& pos = game.position();
    lock.unlock();
    const nn::Evaluation e = ev_.evaluate(pos);
    // Every child move is played and adjudicated here, on this thread's own game and outside the
    // lock (microseconds, against a network call): a mate, stalemate, repetition verdict or
    // natural-limit draw one ply on is then known exactly, before the child is ever visited.
    std::vector<float> verdicts(std::size_t(e.count), kNoVerdict);
    const std::vector<float> capture_weights = capture_prior_weights(pos, e.moves.data(), e.count);
    for (int i = 0; i < e.count; ++i) {
      if (game.play(e.moves[std::size_t(i)]) != rules::PlayResult::Ok) continue;
      if (auto r = game.result()) verdicts[std::size_t(i)] = terminal_value(game, *r);
      game.undo();
    }
    lock.lock();
    expand(cur, e, verdicts, capture_weights);
    ++expansions_;
    leaf_value = -e.value;  // the network speaks for the side to move at the leaf
  }
  backup(path, leaf_value);
  solve(path);
  ++completed_;
  for (int i = 0; i < played; ++i) game.undo();
  expanded_cv_.notify_all();
  return true;
}

void Tree::worker(rules::Game& game) {
  nn::Evaluator::Seat seat(ev_);
  std::unique_lock lock(mu_);
  while (simulate(game, lock, seat)) {
  }
  expanded_cv_.notify_all();
}

MctsResult Tree::run() {
  MctsResult res;
  rules::MoveList legal;
  root_game_.legal_moves(legal);
  if (legal.empty()) return res;
  if (legal.size() == 1) {  // nothing to think about
    res.best = legal[0];
    return res;
  }
  const int threads = std::max(1, lim_.threads);
  // Each thread walks its own copy of the game (history included), made here, before any runs.
  std::vector<rules::Game> games(std::size_t(threads), root_game_);
  std::vector<std::thread> pool;
  for (int i = 1; i < threads; ++i) pool.emplace_back([this, &games, i] { worker(games[std::size_t(i)]); });
  worker(games[0]);
  for (auto& t : pool) t.join();

  const Node& root = nodes_[0];
  // A move that wins by force if there is one; else the most visited move among those not proven
  // lost (all of them if every move loses); ties (a search cut short) go to the higher prior.
  // Proven values rank first: 2 = wins, 1 = unknown or drawn, 0 = loses.
  auto rank = [](const Node& ch) {
    if (ch.state != Node::Terminal) return 1;
    return ch.terminal_value >= 1.0f ? 2 : ch.terminal_value <= -1.0f ? 0 : 1;
  };
  int best_rank = -1, best_visits = -1;
  float best_prior = -1;
  for (std::uint32_t c = root.first_child; c < root.first_child + root.child_count; ++c) {
    const Node& ch = nodes_[c];
    const int rk = rank(ch);
    if (rk > best_rank || (rk == best_rank && (ch.visits > best_visits || (ch.visits == best_visits && ch.prior > best_prior)))) {
      best_rank = rk;
      best_visits = ch.visits;
      best_prior = ch.prior;
      res.best = ch.move;
    }
  }
  if (!res.best) res.best = legal[0];  // stopped before the root was evaluated
  res.visits = completed_;
  res.value = best_rank == 2 ? 1.0f : root.visits > 0 ? -root.value_sum / float(root.visits) : 0.0f;
  res.nodes = nodes_.size();
  res.time_ms = std::chrono::duration<double, std::milli>(Clock::now() - start_).count();
  return res;
}

}  // namespace

MctsResult search(const rules::Game& game, nn::Evaluator& evaluator, const MctsLimits& limits,
                  const std::atomic<bool>* stop) {
  Tree tree(game, evaluator, limits, stop);
  return tree.run();
}

}  // namespace chuhe::ai::mcts

#pragma once
// The hook through which a game asks the AI for a move. The real implementation is the worker pool in
// ai/ (searches run on worker threads, never on an io thread); the server plugs it into the Hub.
#include <chrono>
#include <functional>
#include <string>
#include <vector>

namespace chuhe::rooms {

class AiPlayer {
 public:
  // Called once, on any thread, with the chosen move in ICCS; an empty string means no move (the pool
  // is shutting down, the job was cancelled). The game posts it to its strand and checks it like a
  // human's move: a stale or illegal answer is dropped, and the AI's clock keeps running.
  using Done = std::function<void(std::string iccs)>;

  virtual ~AiPlayer() = default;

  // Asks for the move of the side to move after `moves` (ICCS, from `initial_fen`), at `level` 1-9 (9: MCTS),
  // thinking at most `budget` (the AI's own clock pays for the time it takes).
  virtual void request_move(const std::string& game_id, const std::string& initial_fen, std::vector<std::string> moves,
                            int level, std::chrono::milliseconds budget, Done done) = 0;
  // The game ended (or was dropped) while a request may be outstanding: the pool may stop that search.
  // Its Done may still be called; the game ignores it.
  virtual void cancel(const std::string& game_id) { (void)game_id; }
};

// How long the AI may think for one move: a slice of its remaining time plus most of the increment,
// never more than a third of what is left.
std::chrono::milliseconds ai_budget(std::chrono::milliseconds remaining, std::chrono::milliseconds increment);

}  // namespace chuhe::rooms

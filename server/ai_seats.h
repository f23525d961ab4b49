#pragma once
// The rooms' AI seats played by the ai/ worker pool: searches run on the pool's threads, never on
// an io thread, and each answer goes back to the game through the callback (the game posts it to
// its strand).
#include <memory>

#include "ai/worker_pool.h"
#include "rooms/ai_player.h"

namespace chuhe::server {

class PoolAiPlayer : public rooms::AiPlayer {
 public:
  // `workers`: the pool's thread count, to share thinking time when more games wait than it has threads.
  PoolAiPlayer(std::shared_ptr<ai::WorkerPool> pool, int workers) : pool_(std::move(pool)), workers_(workers) {}

  // The search time a job gets when `waiting` jobs are queued and `busy` workers search: the game's own
  // budget while a worker is free; otherwise shared, so that every AI game keeps moving (a move's wait
  // in the queue is on its clock too) rather than some games losing on time behind long searches.
  static std::chrono::milliseconds share(std::chrono::milliseconds budget, std::size_t waiting, int busy, int workers);

  void request_move(const std::string& game_id, const std::string& initial_fen, std::vector<std::string> moves,
                    int level, std::chrono::milliseconds budget, Done done) override;

 private:
  std::shared_ptr<ai::WorkerPool> pool_;
  const int workers_;
};

}  // namespace chuhe::server

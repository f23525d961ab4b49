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
  // The pool shares thinking time among waiting games when it is busy (WorkerPool::shared_movetime).
  explicit PoolAiPlayer(std::shared_ptr<ai::WorkerPool> pool) : pool_(std::move(pool)) {}

  void request_move(const std::string& game_id, const std::string& initial_fen, std::vector<std::string> moves,
                    int level, std::chrono::milliseconds budget, Done done) override;

 private:
  std::shared_ptr<ai::WorkerPool> pool_;
};

}  // namespace chuhe::server

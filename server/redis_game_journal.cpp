#include "server/redis_game_journal.h"

#include "net/log.h"
#include "server/journal_records.h"

namespace chuhe::server {

RedisGameJournal::RedisGameJournal(std::shared_ptr<persistence::GameLease> lease,
                                   std::shared_ptr<persistence::RedisJournal> journal, std::string node_id,
                                   std::chrono::milliseconds lease_ms,
                                   std::shared_ptr<persistence::GameJournal> archive)
    : lease_(std::move(lease)),
      journal_(std::move(journal)),
      node_id_(std::move(node_id)),
      lease_ms_(lease_ms),
      archive_(std::move(archive)) {}

void RedisGameJournal::answer(const Done& done, bool ok) {
  std::lock_guard gate(gate_);
  if (!closed_ && done) done(ok);
}

void RedisGameJournal::close() {
  std::lock_guard gate(gate_);
  closed_ = true;
}

void RedisGameJournal::start(const rooms::GameSetup& game, Done done) {
  persistence::JournalGame record = journal_game(game);
  auto self = shared_from_this();
  lease_->acquire(game.id, node_id_, lease_ms_,
                  [self, record = std::move(record), done = std::move(done)](persistence::LeaseGrant grant) mutable {
                    if (!grant.ok()) {
                      net::log_warn("cluster", "game " + record.id + ": lease not granted" +
                                                   (grant.holder.empty() ? "" : " (held by " + grant.holder + ")"));
                      return self->answer(done, false);
                    }
                    persistence::LeaseHolder holder{self->node_id_, grant.token};
                    {
                      std::lock_guard lock(self->mutex_);
                      self->holders_[record.id] = holder;
                    }
                    std::string id = record.id;
                    self->journal_->start_game(
                        holder, std::move(record), [self, id, holder, done = std::move(done)](bool ok) mutable {
                          if (ok) return self->answer(done, true);
                          self->confirm(id, holder, [](const persistence::JournaledGame& g) { return g.status == "playing"; },
                                        [self, id, done = std::move(done)](bool landed) {
                                          if (!landed) self->forget(id);
                                          self->answer(done, landed);
                                        });
                        });
                  });
}

void RedisGameJournal::append(const std::string& game_id, int ply, const std::string& iccs, long long clock_ms,
                              Done done) {
  std::optional<persistence::LeaseHolder> holder;
  {
    std::lock_guard lock(mutex_);
    if (auto it = holders_.find(game_id); it != holders_.end()) holder = it->second;
  }
  if (!holder) return answer(done, false);
  journal_->append(*holder, journal_move(game_id, ply, iccs, clock_ms),
                   [self = shared_from_this(), game_id, ply, iccs, holder = *holder, done = std::move(done)](bool ok) mutable {
                     if (ok) return self->answer(done, true);
                     self->confirm(
                         game_id, holder,
                         [ply, iccs](const persistence::JournaledGame& g) {
                           return static_cast<int>(g.moves.size()) > ply && g.moves[ply].iccs == iccs;
                         },
                         [self, done = std::move(done)](bool landed) { self->answer(done, landed); });
                   });
}

void RedisGameJournal::finish(const std::string& game_id, std::string_view result, std::string_view reason,
                              Done done) {
  std::optional<persistence::LeaseHolder> holder;
  {
    std::lock_guard lock(mutex_);
    if (auto it = holders_.find(game_id); it != holders_.end()) holder = it->second;
  }
  if (!holder) return answer(done, false);
  auto finished = [self = shared_from_this(), game_id, done = std::move(done)](bool ok) {
    if (ok) {
      self->forget(game_id);  // finish released the lease
      self->archive_game(game_id);
    }
    self->answer(done, ok);
  };
  journal_->finish(*holder, game_id, std::string(result), std::string(reason), 0,
                   [self = shared_from_this(), game_id, holder = *holder, finished = std::move(finished)](bool ok) mutable {
                     if (ok) return finished(true);
                     self->confirm(game_id, holder,
                                   [](const persistence::JournaledGame& g) { return g.status == "ended"; },
                                   std::move(finished));
                   });
}

// A write answered "not durable" may still have landed (Redis answered `unavailable`: timeout, lost
// connection), and a retry of it would be refused as a duplicate: read the game back and answer whether
// it did. Never for a game this node no longer holds under the same token (fenced: it is not ours).
void RedisGameJournal::confirm(const std::string& game_id, const persistence::LeaseHolder& holder,
                               std::function<bool(const persistence::JournaledGame&)> landed,
                               std::function<void(bool)> then) {
  {
    std::lock_guard lock(mutex_);
    auto it = holders_.find(game_id);
    if (it == holders_.end() || !(it->second == holder)) return then(false);
  }
  journal_->load_game(game_id, [self = shared_from_this(), game_id, holder, landed = std::move(landed),
                                then = std::move(then)](std::optional<persistence::JournaledGame> game) {
    bool ok = game && landed(*game);
    if (ok) {
      std::lock_guard lock(self->mutex_);
      auto it = self->holders_.find(game_id);
      ok = it != self->holders_.end() && it->second == holder;
    }
    then(ok);
  });
}

// The finished game, read back from Redis, into this node's SQLite journal (records queued in order on
// its writer; a failure only costs the archive copy, logged).
void RedisGameJournal::archive_game(const std::string& game_id) {
  if (!archive_) return;
  journal_->load_game(game_id, [archive = archive_, game_id](std::optional<persistence::JournaledGame> game) {
    if (!game || game->status != "ended") {
      net::log_warn("cluster", "game " + game_id + ": finished, but could not be read back to archive it");
      return;
    }
    auto log_failure = [game_id](bool ok) {
      if (!ok) net::log_warn("cluster", "game " + game_id + ": archive copy failed");
    };
    archive->start_game(game->game, log_failure);
    for (auto& move : game->moves) archive->append(std::move(move), log_failure);
    archive->finish(game_id, game->result, game->reason, game->ended_at_ms, log_failure);
  });
}

void RedisGameJournal::adopt(const std::string& game_id, persistence::LeaseHolder holder) {
  std::lock_guard lock(mutex_);
  holders_[game_id] = std::move(holder);
}

void RedisGameJournal::forget(const std::string& game_id) {
  std::lock_guard lock(mutex_);
  holders_.erase(game_id);
}

bool RedisGameJournal::owns(const std::string& game_id) const {
  std::lock_guard lock(mutex_);
  return holders_.count(game_id) != 0;
}

std::vector<std::pair<std::string, persistence::LeaseHolder>> RedisGameJournal::holders() const {
  std::lock_guard lock(mutex_);
  return {holders_.begin(), holders_.end()};
}

}  // namespace chuhe::server

#include "persistence/redis_game_archive.h"

namespace chuhe::persistence {
namespace {

// KEYS: pairs of (game hash, move stream). For each pair: the hash's HGETALL and the stream's length.
constexpr const char* kSummaries =
    "local out = {} "
    "for i = 1, #KEYS, 2 do "
    "  out[#out + 1] = {redis.call('HGETALL', KEYS[i]), redis.call('XLEN', KEYS[i + 1])} "
    "end "
    "return out";

// KEYS: game hashes. Each one's status ('' if the game is gone).
constexpr const char* kStatuses =
    "local out = {} "
    "for i = 1, #KEYS do out[i] = redis.call('HGET', KEYS[i], 'status') or '' end "
    "return out";

constexpr int kPlayingLookedAt = 16;

}  // namespace

RedisGameArchive::RedisGameArchive(RedisClient& client, ClusterKeys keys, std::unique_ptr<GameArchive> fallback)
    : client_(client),
      keys_(keys),
      reader_(std::make_shared<RedisJournal>(client, RedisJournalOptions{keys, std::chrono::milliseconds(0)})),
      fallback_(std::move(fallback)) {}

void RedisGameArchive::find_game(std::string id, std::function<void(GameResult)> done) {
  auto fallback = fallback_;
  reader_->load_game(id, [id, fallback, done = std::move(done)](std::optional<JournaledGame> game) mutable {
    if (game) return done(GameResult{ArchiveStatus::ok, std::move(*game)});
    if (fallback) return fallback->find_game(std::move(id), std::move(done));
    done(GameResult{ArchiveStatus::not_found, {}});
  });
}

void RedisGameArchive::user_games(std::string user_id, int offset, int limit, std::function<void(HistoryResult)> done) {
  if (limit <= 0 || offset < 0) return done(HistoryResult{ArchiveStatus::ok, {}});
  auto shared = std::make_shared<std::function<void(HistoryResult)>>(std::move(done));
  RedisClient* client = &client_;
  const ClusterKeys keys = keys_;
  client_.command(
      {"ZREVRANGE", keys.user_games(user_id), std::to_string(offset), std::to_string(offset + limit - 1)},
      [client, keys, shared](RedisReply ids) {
        if (!ids.is_array()) return (*shared)(HistoryResult{});
        if (ids.elements.empty()) return (*shared)(HistoryResult{ArchiveStatus::ok, {}});
        std::vector<std::string> game_ids;
        std::vector<std::string> args{"EVAL", kSummaries, std::to_string(ids.elements.size() * 2)};
        for (const auto& id : ids.elements) {
          game_ids.push_back(id.text);
          args.push_back(keys.game(id.text));
          args.push_back(keys.moves(id.text));
        }
        client->command(std::move(args), [game_ids = std::move(game_ids), shared](RedisReply rows) {
          if (!rows.is_array() || rows.elements.size() != game_ids.size()) return (*shared)(HistoryResult{});
          HistoryResult result{ArchiveStatus::ok, {}};
          for (std::size_t i = 0; i < game_ids.size(); ++i) {
            const auto& row = rows.elements[i];
            if (!row.is_array() || row.elements.size() != 2 || !row.elements[0].is_array() ||
                row.elements[0].elements.empty())
              continue;  // expired since it was listed
            JournaledGame g;
            g.game.id = game_ids[i];
            read_game_fields(row.elements[0].elements, g);
            GameSummary summary;
            summary.game = std::move(g.game);
            summary.status = std::move(g.status);
            summary.result = std::move(g.result);
            summary.reason = std::move(g.reason);
            summary.ended_at_ms = g.ended_at_ms;
            summary.moves = row.elements[1].is_integer() ? static_cast<int>(row.elements[1].integer) : 0;
            result.games.push_back(std::move(summary));
          }
          (*shared)(std::move(result));
        });
      });
}

void RedisGameArchive::playing_games(std::string user_id, std::function<void(std::vector<std::string>)> done) {
  auto shared = std::make_shared<std::function<void(std::vector<std::string>)>>(std::move(done));
  RedisClient* client = &client_;
  const ClusterKeys keys = keys_;
  client_.command({"ZREVRANGE", keys.user_games(user_id), "0", std::to_string(kPlayingLookedAt - 1)},
                  [client, keys, shared](RedisReply ids) {
                    if (!ids.is_array() || ids.elements.empty()) return (*shared)({});
                    std::vector<std::string> game_ids;
                    std::vector<std::string> args{"EVAL", kStatuses, std::to_string(ids.elements.size())};
                    for (const auto& id : ids.elements) {
                      game_ids.push_back(id.text);
                      args.push_back(keys.game(id.text));
                    }
                    client->command(std::move(args), [game_ids = std::move(game_ids), shared](RedisReply statuses) {
                      std::vector<std::string> playing;
                      if (statuses.is_array() && statuses.elements.size() == game_ids.size())
                        for (std::size_t i = 0; i < game_ids.size(); ++i)
                          if (statuses.elements[i].text == "playing") playing.push_back(game_ids[i]);
                      (*shared)(std::move(playing));
                    });
                  });
}

}  // namespace chuhe::persistence

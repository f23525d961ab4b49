#pragma once
// The rooms' front door: the MessageHandler that net/ calls for every connection. It keeps the lobby
// (seeks, pairing), the registry of games (live ones, and finished ones for a while so that `watch` and
// `resume` still get their final state), and which connections belong to which user and game.
//
// Locking: one mutex guards the Hub's maps and the lobby, held only for bookkeeping; a game's own work
// runs on the game's strand (GameRoom), never under this lock.
#include <atomic>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <chrono>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "rooms/ai_player.h"
#include "rooms/game_room.h"
#include "rooms/handler.h"
#include "rooms/journal.h"
#include "rooms/lobby.h"
#include "rooms/rooms_config.h"

namespace chuhe::rooms {

// Cluster mode (several nodes sharing one Redis; server/cluster_node.*): what the Hub hands on when this
// node cannot serve a request alone. Without one (a single node) the Hub behaves exactly as before.
// Every call is made outside the Hub's lock; implementations must not block.
class RemoteRouter {
 public:
  virtual ~RemoteRouter() = default;
  // A game request for a game this node does not have: true if the router took it (forwarded to the
  // game's owner; the answer comes back later), false to answer not_found as usual.
  virtual bool route(const std::shared_ptr<Client>& client, const ClientRequest& request, const std::string& game) = 0;
  // A seek, after `seeking` went out: the router takes it to the shared lobby instead of the local one.
  virtual void seek(const std::shared_ptr<Client>& client, const in::Seek& seek) = 0;
  virtual void cancel_seek(const std::shared_ptr<Client>& client) = 0;
  // The connection is gone (after the Hub's own bookkeeping).
  virtual void disconnected(const std::shared_ptr<Client>& client) = 0;
  // On every lobby tick.
  virtual void tick() = 0;
  // The games `user_id` plays on any node, as far as the router already knows (no waiting): `welcome`
  // lists them beside this node's own.
  virtual std::vector<std::string> games_of(const std::string& user_id) = 0;
};

class Hub : public MessageHandler, public std::enable_shared_from_this<Hub> {
 public:
  using Clock = std::chrono::steady_clock;

  // Create with std::make_shared (games call back through a weak_ptr). Games run on strands of `io`;
  // `ai` may be null (then challenge_ai is refused with "unavailable").
  Hub(boost::asio::any_io_executor io, RoomsConfig config, std::shared_ptr<Journal> journal,
      std::shared_ptr<AiPlayer> ai = nullptr);
  ~Hub() override;

  // Called once per game as its game_end goes out (on the game's strand: keep it short). The server
  // rates games and archives results from here. Set before start().
  using GameEndedHook = std::function<void(const GameSetup&, const EndInfo&)>;
  void set_game_ended_hook(GameEndedHook hook) { game_ended_hook_ = std::move(hook); }

  // Starts the lobby tick (pairs seeks whose rating windows have widened; drops expired finished games).
  void start();
  // Stops the tick and every game's timers (server shutdown); the io_context can then run out.
  void stop();

  // A game that was in play when the server stopped, read back from the journal.
  struct RecoveredGame {
    GameSetup setup;  // with the game's own id
    std::vector<GameRoom::JournaledMove> moves;
  };
  // Registers recovered games and resumes them (GameRoom::recover): their players find them in
  // `welcome` and `resume` as after any reconnect. Call at startup, before connections arrive.
  // Returns how many were resumed (a game whose position cannot be set up is left out).
  std::size_t recover(std::vector<RecoveredGame> games);

  // ---- Cluster mode (all unused on a single node) ----
  void set_remote_router(std::shared_ptr<RemoteRouter> router);
  // A client of another node (a proxy whose send() goes over pub/sub) that sends requests through
  // on_message: registered like a connection (so on_disconnect detaches it), but not as an online user.
  void register_remote(const std::shared_ptr<Client>& client);
  // Creates and starts a game between two users paired by the shared lobby: every local connection of
  // each player gets it (as for a local pairing), and so do the given remote clients of each seat.
  void create_paired_game(GameSetup setup, std::vector<std::shared_ptr<Client>> red_remote,
                          std::vector<std::shared_ptr<Client>> black_remote);
  // This node lost the game (its lease went to another node): the room stops at once, tells nobody,
  // and is forgotten.
  void drop_game(const std::string& id);
  // The game has just been taken over by a node (maybe this one) after its owner died: every connection
  // of its human players here asks to `resume` it, as a reloaded client would, so that players whose
  // socket outlived the old owner get the game's state and its events again without doing anything.
  void resume_for_players(const std::string& game, const std::vector<std::string>& user_ids);

  // MessageHandler
  void on_connect(const std::shared_ptr<Client>& client) override;
  void on_message(const std::shared_ptr<Client>& client, ClientRequest request) override;
  void on_disconnect(const std::shared_ptr<Client>& client) override;

  // GET /api/games/live: {"games":[{"game","red","black","tc","moves","spectators"}...],"online":N}, the
  // most watched games first, at most config.live_games_listed of them; online = distinct users connected.
  std::string live_games_json() const;

  std::shared_ptr<GameRoom> find_game(const std::string& id) const;  // live or retained; null if unknown
  std::size_t online_users() const;
  std::size_t connection_count() const;
  std::size_t game_count() const;  // every reachable game, finished ones included
  std::size_t seek_count() const;
  std::vector<std::string> active_games(const std::string& user_id) const;  // games the user plays now

 private:
  struct Connection {
    std::unordered_set<std::string> watched;  // games spectated (bounded by config.max_watched_games)
    std::unordered_set<std::string> played;   // games this connection may be attached to as a player
  };

  void on_seek(const std::shared_ptr<Client>& client, const in::Seek& seek, const std::string& id);
  void on_challenge_ai(const std::shared_ptr<Client>& client, const in::ChallengeAi& challenge, const std::string& id);
  void on_game_request(const std::shared_ptr<Client>& client, ClientRequest request, const std::string& game,
                       Clock::time_point received);
  // Creates, registers and starts a game; every live connection of each human player is attached.
  // `remote` clients (cluster mode) are attached to each seat besides the player's local connections.
  void create_game(GameSetup setup, const std::shared_ptr<Client>& requester, const std::string& request_id,
                   std::vector<std::shared_ptr<Client>> remote_red = {},
                   std::vector<std::shared_ptr<Client>> remote_black = {});
  void start_pairing(const Pairing& pairing);
  GameRoom::Deps room_deps();
  void game_ended(const std::shared_ptr<GameRoom>& room);
  void arm_tick();
  void tick();
  std::string new_game_id();  // under mutex_
  bool coin_flip();           // under mutex_

  boost::asio::any_io_executor io_;
  const RoomsConfig config_;
  std::shared_ptr<Journal> journal_;
  std::shared_ptr<AiPlayer> ai_;
  boost::asio::strand<boost::asio::any_io_executor> tick_strand_;
  boost::asio::steady_timer tick_timer_;
  std::atomic<bool> stopped_{false};
  GameEndedHook game_ended_hook_;

  mutable std::mutex mutex_;
  Lobby lobby_;
  std::unordered_map<std::string, std::shared_ptr<GameRoom>> games_;
  std::deque<std::pair<Clock::time_point, std::string>> expiring_;  // finished games by drop time (FIFO:
                                                                    // the retention is the same for all)
  std::unordered_map<const Client*, Connection> connections_;
  std::unordered_map<std::string, std::vector<std::shared_ptr<Client>>> by_user_;  // live connections
  std::unordered_map<std::string, std::vector<std::string>> active_;               // user -> games in play
  std::mt19937_64 rng_;
  std::shared_ptr<RemoteRouter> router_;  // cluster mode only
};

}  // namespace chuhe::rooms

#pragma once
// One load bot: a guest with a WebSocket that plays (or watches) games at a set pace.
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <chrono>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

#include "bench/loadbots/stats.h"
#include "rules/game.h"

namespace loadbots {

enum class Role { player, ai_player, spectator };

// When each ply of a game was sent, so the opponent's receipt gives the relay latency.
// Each player records the server port it is connected to, so the receiver of a move knows whether the
// mover sits on the same port (node) as itself.
struct GameTrack {
  std::vector<std::chrono::steady_clock::time_point> sent;
  unsigned short port[2] = {0, 0};  // red's, black's
  unsigned short owner = 0;          // the port of the node holding the game's lease (--redis), 0: unknown
};

struct Shared {
  std::string tc;
  std::chrono::milliseconds pace{1000};
  int ai_level = 1;
  Stats* stats = nullptr;
  // With --redis: looks up the port of the node that owns `game` (its lease holder "127.0.0.1:PORT") and
  // calls back on the bots' io_context with it (0 if unknown).
  std::function<void(const std::string& game, std::function<void(unsigned short)>)> owner_port;

  std::mutex mutex;  // guards the two maps below
  std::unordered_map<std::string, std::shared_ptr<GameTrack>> games;
  std::vector<std::string> live_games;  // human games, for spectators to pick from

  std::shared_ptr<GameTrack> track(const std::string& game);
  std::optional<std::string> random_live_game(std::mt19937& rng);
};

class Bot : public std::enable_shared_from_this<Bot> {
 public:
  // `port`: the server port (node) this bot signs in and connects to.
  Bot(boost::asio::io_context& ioc, Shared& shared, Role role, unsigned short port);
  void start();
  void stop();

 private:
  void sign_in();
  void open_socket(std::string token);
  void do_read();
  void on_message(const std::string& text);
  void on_game_start(const std::string& game, const std::string& color, const std::string& fen);
  void on_move(const std::string& game, long ply, const std::string& move);
  void on_game_end(const std::string& game);
  void after(std::chrono::milliseconds delay, std::function<void()> then);
  void play_if_my_turn();
  void seek_again();
  void watch_something();
  void send(std::string text);
  void do_write();
  void fail(const char* what);

  boost::asio::io_context& ioc_;
  Shared& shared_;
  Role role_;
  unsigned short port_;
  std::mt19937 rng_;
  std::optional<boost::beast::websocket::stream<boost::beast::tcp_stream>> ws_;
  boost::beast::flat_buffer buffer_;
  std::deque<std::string> out_;
  bool writing_ = false;
  bool open_ = false;
  bool stopped_ = false;
  boost::asio::steady_timer timer_;

  std::string game_id_;
  chuhe::rules::Color my_color_ = chuhe::rules::Color::Red;
  chuhe::rules::Game game_;
  std::shared_ptr<GameTrack> track_;
};

}  // namespace loadbots

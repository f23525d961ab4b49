#pragma once
// Redis values and settings as plain types, independent of hiredis: callers never see hiredis.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace chuhe::persistence {

struct RedisReply {
  enum class Type {
    unavailable,  // Redis could not be reached (not connected, timed out, connection lost, shutting down)
    error,        // Redis answered with an error ("-ERR ..."); `text` holds it
    nil,          // a nil bulk string or nil array
    string,       // a bulk string; `text` holds it (binary safe)
    integer,      // `integer` holds it
    array,        // `elements` holds the items
    status,       // a status reply such as "+OK"; `text` holds it
  };

  Type type = Type::unavailable;
  std::string text;                 // string, status and error replies; why, for unavailable
  long long integer = 0;            // integer replies
  std::vector<RedisReply> elements; // array replies

  static RedisReply unavailable_because(std::string why) {
    RedisReply r;
    r.text = std::move(why);
    return r;
  }

  bool is_unavailable() const { return type == Type::unavailable; }
  bool is_error() const { return type == Type::error; }
  bool is_nil() const { return type == Type::nil; }
  bool is_string() const { return type == Type::string; }
  bool is_integer() const { return type == Type::integer; }
  bool is_array() const { return type == Type::array; }
  bool is_status(std::string_view s) const { return type == Type::status && text == s; }
};

// The connection settings shared by the command client and the subscriber.
struct RedisOptions {
  std::string host = "127.0.0.1";
  unsigned short port = 6379;
  std::string password;            // sent with AUTH on every (re)connect when not empty
  int connect_timeout_ms = 500;    // a connect attempt gives up after this
  int command_timeout_ms = 500;    // a command with no answer after this fails as unavailable
  int backoff_initial_ms = 50;     // first wait before reconnecting after a failed attempt
  int backoff_max_ms = 1000;       // the wait doubles up to this cap
  std::size_t queue_limit = 4096;  // requests waiting for the client thread; more are refused at once
  int health_check_ms = 250;       // how often an idle connection is checked for loss (no traffic sent)
};

}  // namespace chuhe::persistence

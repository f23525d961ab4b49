#include "persistence/redis_connection.h"

#include <hiredis/hiredis.h>
#include <poll.h>
#include <sys/time.h>

namespace chuhe::persistence {
namespace {

timeval to_timeval(int ms) {
  timeval tv{};
  tv.tv_sec = ms / 1000;
  tv.tv_usec = (ms % 1000) * 1000;
  return tv;
}

RedisReply convert(const redisReply* r) {
  RedisReply out;
  switch (r->type) {
    case REDIS_REPLY_STRING:
      out.type = RedisReply::Type::string;
      out.text.assign(r->str, r->len);
      break;
    case REDIS_REPLY_STATUS:
      out.type = RedisReply::Type::status;
      out.text.assign(r->str, r->len);
      break;
    case REDIS_REPLY_ERROR:
      out.type = RedisReply::Type::error;
      out.text.assign(r->str, r->len);
      break;
    case REDIS_REPLY_INTEGER:
      out.type = RedisReply::Type::integer;
      out.integer = r->integer;
      break;
    case REDIS_REPLY_NIL:
      out.type = RedisReply::Type::nil;
      break;
    case REDIS_REPLY_ARRAY:
      out.type = RedisReply::Type::array;
      out.elements.reserve(r->elements);
      for (std::size_t i = 0; i < r->elements; ++i) out.elements.push_back(convert(r->element[i]));
      break;
    default:
      out = RedisReply::unavailable_because("unknown reply type");
  }
  return out;
}

std::string context_error(const redisContext* c, const char* what) {
  std::string e = what;
  if (c != nullptr && c->err != 0) {
    e += ": ";
    e += c->errstr;
  }
  return e;
}

}  // namespace

std::unique_ptr<RedisConnection> RedisConnection::open(const RedisOptions& options, std::string& error) {
  redisContext* c =
      redisConnectWithTimeout(options.host.c_str(), options.port, to_timeval(options.connect_timeout_ms));
  if (c == nullptr || c->err != 0) {
    error = context_error(c, "connect");
    if (c != nullptr) redisFree(c);
    return nullptr;
  }
  if (redisSetTimeout(c, to_timeval(options.command_timeout_ms)) != REDIS_OK) {
    error = context_error(c, "set timeout");
    redisFree(c);
    return nullptr;
  }
  redisEnableKeepAlive(c);
  std::unique_ptr<RedisConnection> conn(new RedisConnection(c));
  if (!options.password.empty()) {
    RedisReply r = conn->command({"AUTH", options.password});
    if (!r.is_status("OK")) {
      error = "AUTH refused: " + r.text;
      return nullptr;
    }
  }
  return conn;
}

RedisConnection::~RedisConnection() { redisFree(context_); }

RedisReply RedisConnection::command(const std::vector<std::string>& args) {
  if (failed_) return RedisReply::unavailable_because("connection lost");
  std::vector<const char*> argv;
  std::vector<std::size_t> lens;
  argv.reserve(args.size());
  lens.reserve(args.size());
  for (const auto& a : args) {
    argv.push_back(a.data());
    lens.push_back(a.size());
  }
  void* raw = redisCommandArgv(context_, static_cast<int>(args.size()), argv.data(), lens.data());
  if (raw == nullptr) {
    failed_ = true;
    return RedisReply::unavailable_because(context_error(context_, "command"));
  }
  auto* reply = static_cast<redisReply*>(raw);
  RedisReply out = convert(reply);
  freeReplyObject(reply);
  return out;
}

std::vector<RedisReply> RedisConnection::pipeline(const std::vector<const std::vector<std::string>*>& commands) {
  std::vector<RedisReply> replies;
  replies.reserve(commands.size());
  std::size_t sent = 0;
  for (; sent < commands.size() && !failed_; ++sent) append(*commands[sent]);
  for (std::size_t i = 0; i < commands.size(); ++i) {
    if (failed_ || i >= sent) {
      replies.push_back(RedisReply::unavailable_because("connection lost"));
      continue;
    }
    void* raw = nullptr;
    if (redisGetReply(context_, &raw) != REDIS_OK || raw == nullptr) {  // flushes what is queued first
      failed_ = true;
      replies.push_back(RedisReply::unavailable_because(context_error(context_, "pipeline")));
      continue;
    }
    auto* r = static_cast<redisReply*>(raw);
    replies.push_back(convert(r));
    freeReplyObject(r);
  }
  return replies;
}

bool RedisConnection::broken() {
  if (failed_ || context_->err != 0) return failed_ = true;
  pollfd p{context_->fd, static_cast<short>(POLLIN | POLLRDHUP), 0};
  int n = ::poll(&p, 1, 0);
  if (n < 0) return false;  // EINTR: look again next time
  if (n > 0) failed_ = true;
  return failed_;
}

bool RedisConnection::append(const std::vector<std::string>& args) {
  std::vector<const char*> argv;
  std::vector<std::size_t> lens;
  for (const auto& a : args) {
    argv.push_back(a.data());
    lens.push_back(a.size());
  }
  if (redisAppendCommandArgv(context_, static_cast<int>(args.size()), argv.data(), lens.data()) != REDIS_OK)
    failed_ = true;
  return !failed_;
}

bool RedisConnection::flush() {
  int done = 0;
  while (!failed_ && done == 0) {
    if (redisBufferWrite(context_, &done) != REDIS_OK) failed_ = true;
  }
  return !failed_;
}

bool RedisConnection::read_available() {
  if (redisBufferRead(context_) != REDIS_OK) failed_ = true;
  return !failed_;
}

bool RedisConnection::next_reply(std::optional<RedisReply>& reply) {
  reply.reset();
  void* raw = nullptr;
  if (redisGetReplyFromReader(context_, &raw) != REDIS_OK) {
    failed_ = true;
    return false;
  }
  if (raw != nullptr) {
    auto* r = static_cast<redisReply*>(raw);
    reply = convert(r);
    freeReplyObject(r);
  }
  return true;
}

int RedisConnection::fd() const { return context_->fd; }

}  // namespace chuhe::persistence

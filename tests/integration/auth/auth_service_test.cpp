// AuthService end to end over a real redis-server and a real SQLite file: the HTTP-level answers of
// guest, register, login, logout and authenticate, including Redis failures and restarts.
#include "net/auth_service.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <nlohmann/json.hpp>
#include <thread>

#include "net/auth_secret.h"
#include "tests/support/await.h"
#include "tests/support/redis_server.h"
#include "tests/support/temp_dir.h"

namespace chuhe::net {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using Json = nlohmann::json;
using namespace persistence;

// One node's auth stack: Redis client and subscriber, session store, SQLite archive, AuthService.
// Members are declared in construction order, so they are destroyed service first, stores last.
class Node {
 public:
  Node(const test::RedisServer& redis, const std::filesystem::path& data_dir, AuthConfig config = fast_config())
      : client_(options(redis)), subscriber_(options(redis)), sessions_(client_, &subscriber_),
        db_(open_db(data_dir)), users_(*db_), auth_(with_secret(std::move(config), data_dir), sessions_, users_) {}

  static AuthConfig fast_config() {
    AuthConfig c;
    c.argon2 = Argon2Params{1024, 1, 1, 16, 32};  // cheap hashing keeps the suite fast
    return c;
  }

  HttpReply guest(std::string body, std::string ip = "10.0.0.1") {
    return wait([&](auto done) { auth_.guest(body, ip, done); });
  }
  HttpReply register_user(std::string body, std::string ip = "10.0.0.1") {
    return wait([&](auto done) { auth_.register_user(body, ip, done); });
  }
  HttpReply login(std::string body, std::string ip = "10.0.0.1") {
    return wait([&](auto done) { auth_.login(body, ip, done); });
  }
  HttpReply logout(std::string header) {
    return wait([&](auto done) { auth_.logout(header, done); });
  }
  AuthResult authenticate(std::string token) {
    auto r = test::await<AuthResult>([&](auto done) { auth_.authenticate(token, done); });
    EXPECT_TRUE(r) << "authenticate did not answer";
    return r.value_or(AuthResult{});
  }

  AuthService& auth() { return auth_; }
  RedisClient& redis() { return client_; }
  RedisSubscriber& subscriber() { return subscriber_; }
  SessionStore& sessions() { return sessions_; }

 private:
  static RedisOptions options(const test::RedisServer& redis) {
    RedisOptions o;
    o.port = redis.port();
    return o;
  }
  static std::unique_ptr<SqliteDb> open_db(const std::filesystem::path& dir) {
    std::string error;
    auto db = SqliteDb::open(SqliteOptions{dir / "archive.sqlite3"}, archive_migrations(), error);
    if (!db) throw std::runtime_error(error);
    return db;
  }
  static AuthConfig with_secret(AuthConfig config, const std::filesystem::path& dir) {
    if (config.jwt_secret.empty()) {
      SecretResult secret = load_or_create_secret(dir, std::nullopt);
      if (!secret.ok()) throw std::runtime_error(secret.error);
      config.jwt_secret = secret.secret;
    }
    return config;
  }
  HttpReply wait(const std::function<void(std::function<void(HttpReply)>)>& start) {
    auto r = test::await<HttpReply>(start);
    EXPECT_TRUE(r) << "no answer within 5 s";
    return r.value_or(HttpReply{0, "", 0});
  }

  RedisClient client_;
  RedisSubscriber subscriber_;
  SessionStore sessions_;
  std::unique_ptr<SqliteDb> db_;
  UserStore users_;
  AuthService auth_;
};

Json body_of(const HttpReply& r) { return Json::parse(r.body.empty() ? "null" : r.body, nullptr, false); }
std::string error_code(const HttpReply& r) {
  Json j = body_of(r);
  return j.is_object() && j.contains("error") ? j["error"].value("code", "") : "";
}
std::string token_of(const HttpReply& r) { return body_of(r).value("token", ""); }
std::string credentials(std::string_view name, std::string_view password) {
  return Json{{"name", name}, {"password", password}}.dump();
}

class AuthServiceTest : public ::testing::Test {
 protected:
  void SetUp() override { ::unsetenv(kSecretEnv); }
  test::RedisServer redis_;
  test::TempDir data_{"chuhe-auth"};
};

TEST_F(AuthServiceTest, GuestRoundTrip) {
  Node node(redis_, data_.path());
  HttpReply r = node.guest("{}");
  ASSERT_EQ(r.status, 200u) << r.body;
  Json body = body_of(r);
  EXPECT_EQ(body["user"]["guest"], true);
  EXPECT_EQ(body["user"]["rating"], 1500);
  std::string name = body["user"]["name"];
  EXPECT_EQ(name.rfind("Guest-", 0), 0u) << name;
  std::string id = body["user"]["id"];
  EXPECT_EQ(id.rfind("u_", 0), 0u);

  AuthResult a = node.authenticate(body["token"]);
  ASSERT_TRUE(a.ok()) << a.reason;
  EXPECT_EQ(a.user.id, id);
  EXPECT_EQ(a.user.name, name);
  EXPECT_TRUE(a.user.guest);
  EXPECT_FALSE(a.user.jti.empty());

  auto claims = node.auth().verify_token(body["token"].get<std::string>()).claims;
  ASSERT_TRUE(claims);
  EXPECT_EQ(claims->exp - claims->iat, 24 * 3600);  // guests: one day
  EXPECT_EQ(node.guest("").status, 200u);          // an empty body counts as {}
}

TEST_F(AuthServiceTest, GuestNames) {
  Node node(redis_, data_.path());
  HttpReply named = node.guest(R"({"name":"Visitor_7"})");
  ASSERT_EQ(named.status, 200u) << named.body;
  EXPECT_EQ(body_of(named)["user"]["name"], "Visitor_7");
  EXPECT_EQ(node.guest(R"({"name":"Visitor_7"})").status, 200u);  // guests may share a name

  for (const char* bad : {R"({"name":"x"})", R"({"name":"has space"})", R"({"name":12})", "[]", "{oops"}) {
    HttpReply r = node.guest(bad);
    EXPECT_EQ(r.status, 400u) << bad;
    EXPECT_EQ(error_code(r), "bad_request") << bad;
  }
  ASSERT_EQ(node.register_user(credentials("Owner", "long enough password")).status, 201u);
  HttpReply taken = node.guest(R"({"name":"owner"})");
  EXPECT_EQ(taken.status, 409u);
  EXPECT_EQ(error_code(taken), "name_taken");
}

TEST_F(AuthServiceTest, RegisterLoginLogout) {
  Node node(redis_, data_.path());
  HttpReply reg = node.register_user(credentials("Alice", "correct horse"));
  ASSERT_EQ(reg.status, 201u) << reg.body;
  Json user = body_of(reg)["user"];
  EXPECT_EQ(user["name"], "Alice");
  EXPECT_EQ(user["guest"], false);
  EXPECT_EQ(user["rating"], 1500);
  EXPECT_FALSE(body_of(reg).contains("password_hash"));
  auto claims = node.auth().verify_token(token_of(reg)).claims;
  ASSERT_TRUE(claims);
  EXPECT_EQ(claims->exp - claims->iat, 7 * 24 * 3600);  // users: one week
  EXPECT_TRUE(node.authenticate(token_of(reg)).ok());

  HttpReply login = node.login(credentials("ALICE", "correct horse"));  // names are case-insensitive
  ASSERT_EQ(login.status, 200u) << login.body;
  EXPECT_EQ(body_of(login)["user"]["id"], user["id"]);
  EXPECT_EQ(body_of(login)["user"]["name"], "Alice");
  std::string token = token_of(login);
  AuthResult a = node.authenticate(token);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a.user.id, user["id"]);
  EXPECT_FALSE(a.user.guest);

  HttpReply out = node.logout("Bearer " + token);
  EXPECT_EQ(out.status, 204u) << out.body;
  EXPECT_TRUE(out.body.empty());
  AuthResult refused = node.authenticate(token);
  EXPECT_EQ(refused.kind, AuthResult::Kind::refused);
  EXPECT_EQ(refused.status(), 401u);
  EXPECT_EQ(refused.reason, "revoked");
  EXPECT_EQ(error_code(refused.error_reply()), "unauthorized");
  // Other sessions of the same user live on; logging out twice is harmless.
  EXPECT_TRUE(node.authenticate(token_of(reg)).ok());
  EXPECT_EQ(node.logout("bearer " + token).status, 204u);
}

TEST_F(AuthServiceTest, DuplicateNamesCaseInsensitive) {
  Node node(redis_, data_.path());
  ASSERT_EQ(node.register_user(credentials("Carol", "password one")).status, 201u);
  for (const char* same : {"Carol", "carol", "CAROL", "cArOl"}) {
    HttpReply r = node.register_user(credentials(same, "password two"));
    EXPECT_EQ(r.status, 409u) << same;
    EXPECT_EQ(error_code(r), "name_taken");
  }
}

TEST_F(AuthServiceTest, ConcurrentRegistrationsOfOneNameLetOneWin) {
  Node node(redis_, data_.path());
  auto box = std::make_shared<test::Mailbox<unsigned>>();
  for (int i = 0; i < 6; ++i) {
    node.auth().register_user(credentials(i % 2 ? "racer" : "RACER", "password " + std::to_string(i)), "10.0.0.9",
                              [box](HttpReply r) { box->push(r.status); });
  }
  int created = 0, taken = 0;
  for (int i = 0; i < 6; ++i) {
    auto status = box->pop();
    ASSERT_TRUE(status);
    created += *status == 201;
    taken += *status == 409;
  }
  EXPECT_EQ(created, 1);
  EXPECT_EQ(taken, 5);
}

TEST_F(AuthServiceTest, BadNamesAndPasswords) {
  Node node(redis_, data_.path());
  std::vector<std::string> bad = {
      credentials("a", "long enough password"),
      credentials("twenty-one-characters", "long enough password"),
      credentials("sp ace", "long enough password"),
      credentials("Guest-123", "long enough password"),  // reserved for guests
      credentials("Dora", "short"),
      credentials("Dora", std::string(129, 'p')),
      R"({"name":"Dora"})",
      R"({"password":"long enough password"})",
      R"({"name":5,"password":"long enough password"})",
      R"(["Dora","long enough password"])",
      "not json",
      "",
      "{\"name\":\"Dora\",\"password\":\"" + std::string(5000, 'x') + "\"}",
  };
  for (const auto& body : bad) {
    HttpReply r = node.register_user(body);
    EXPECT_EQ(r.status, 400u) << body.substr(0, 80);
    EXPECT_EQ(error_code(r), "bad_request") << body.substr(0, 80);
    EXPECT_FALSE(body_of(r)["error"].value("message", "").empty());
  }
  EXPECT_EQ(node.login("{}").status, 400u);
}

TEST_F(AuthServiceTest, WrongCredentialsLookTheSame) {
  Node node(redis_, data_.path());
  ASSERT_EQ(node.register_user(credentials("Erin", "the right one")).status, 201u);
  HttpReply wrong_password = node.login(credentials("Erin", "the wrong one"));
  HttpReply unknown_name = node.login(credentials("Nobody", "the right one"));
  HttpReply impossible_name = node.login(credentials("no such name!", "x"));
  node.guest(R"({"name":"Ghost"})");
  HttpReply guest_name = node.login(credentials("Ghost", "anything at all"));
  for (const HttpReply* r : {&wrong_password, &unknown_name, &impossible_name, &guest_name}) {
    EXPECT_EQ(r->status, 401u);
    EXPECT_EQ(error_code(*r), "invalid_credentials");
    EXPECT_EQ(r->body, wrong_password.body);
  }
}

TEST_F(AuthServiceTest, BadTokensAreRefused) {
  Node node(redis_, data_.path());
  for (const char* token : {"", "garbage", "a.b.c"}) {
    AuthResult a = node.authenticate(token);
    EXPECT_EQ(a.kind, AuthResult::Kind::refused) << token;
  }
  EXPECT_EQ(node.authenticate("").reason, "empty");
  for (const char* header : {"", "Bearer", "Bearer ", "Basic abc", "Bearer garbage"}) {
    HttpReply r = node.logout(header);
    EXPECT_EQ(r.status, 401u) << header;
    EXPECT_EQ(error_code(r), "unauthorized");
  }
  // A token signed with another secret (another deployment).
  test::TempDir other_dir("chuhe-other");
  Node other(redis_, other_dir.path());
  std::string foreign = token_of(other.guest("{}"));
  EXPECT_EQ(node.authenticate(foreign).reason, "bad_signature");
}

TEST_F(AuthServiceTest, DeletedSessionIsRefused) {
  Node node(redis_, data_.path());
  std::string token = token_of(node.guest("{}"));
  std::string jti = node.auth().verify_token(token).claims->jti;
  auto deleted = test::await<RedisReply>([&](auto done) { node.redis().command({"DEL", "session:" + jti}, done); });
  ASSERT_TRUE(deleted);
  EXPECT_EQ(deleted->integer, 1);
  AuthResult a = node.authenticate(token);
  EXPECT_EQ(a.kind, AuthResult::Kind::refused);
  EXPECT_EQ(a.reason, "revoked");
}

TEST_F(AuthServiceTest, ExpiredTokenIsRefused) {
  auto now = std::make_shared<std::atomic<std::int64_t>>(1'700'000'000);
  AuthConfig config = Node::fast_config();
  config.clock = [now] { return now->load(); };
  config.guest_token_lifetime = 3600s;
  Node node(redis_, data_.path(), config);
  std::string token = token_of(node.guest("{}"));
  EXPECT_TRUE(node.authenticate(token).ok());
  now->store(1'700'000'000 + 3600 + 29);  // within the 30 s leeway
  EXPECT_TRUE(node.authenticate(token).ok());
  now->store(1'700'000'000 + 3600 + 30);
  EXPECT_EQ(node.authenticate(token).reason, "expired");
}

TEST_F(AuthServiceTest, LogoutClosesSocketsOnEveryNodeWithinOneSecond) {
  Node a(redis_, data_.path());
  Node b(redis_, data_.path());  // another node: same Redis, same secret
  auto ready = std::make_shared<test::Mailbox<bool>>();
  auto revoked = std::make_shared<test::Mailbox<std::string>>();
  b.subscriber().on_ready([ready] { ready->push(true); });
  b.sessions().on_revoked([revoked](const std::string& jti) { revoked->push(jti); });
  ASSERT_TRUE(ready->pop());

  std::string token = token_of(a.guest("{}"));
  AuthResult on_b = b.authenticate(token);  // the socket was opened on node B
  ASSERT_TRUE(on_b.ok());
  auto start = Clock::now();
  ASSERT_EQ(a.logout("Bearer " + token).status, 204u);
  auto jti = revoked->pop(1s);
  ASSERT_TRUE(jti) << "node B did not hear of the logout within 1 s";
  EXPECT_EQ(*jti, on_b.user.jti);
  EXPECT_LT(Clock::now() - start, 1s);
}

TEST_F(AuthServiceTest, RedisDownMeans503PromptlyAndRecoveryIsAutomatic) {
  Node node(redis_, data_.path());
  ASSERT_EQ(node.register_user(credentials("Faye", "persistent pw")).status, 201u);
  std::string token = token_of(node.guest("{}"));

  auto ready = std::make_shared<test::Mailbox<bool>>();
  auto revoked = std::make_shared<test::Mailbox<std::string>>();
  node.subscriber().on_ready([ready] { ready->push(true); });
  node.sessions().on_revoked([revoked](const std::string& jti) { revoked->push(jti); });
  ASSERT_TRUE(ready->pop());

  redis_.kill();
  auto expect_503 = [](const HttpReply& r, const char* what) {
    EXPECT_EQ(r.status, 503u) << what << ": " << r.body;
    EXPECT_EQ(error_code(r), "unavailable") << what;
  };
  auto start = Clock::now();
  expect_503(node.guest("{}"), "guest");
  expect_503(node.register_user(credentials("Gina", "another pw!")), "register");
  expect_503(node.login(credentials("Faye", "persistent pw")), "login");
  expect_503(node.logout("Bearer " + token), "logout");
  AuthResult a = node.authenticate(token);
  EXPECT_EQ(a.kind, AuthResult::Kind::unavailable);
  EXPECT_EQ(a.status(), 503u);
  EXPECT_EQ(error_code(a.error_reply()), "unavailable");
  EXPECT_LT(Clock::now() - start, 2s) << "503s must be prompt";

  redis_.restart();
  // Recovers by itself: no call into the service is needed but requests.
  EXPECT_TRUE(test::eventually([&] { return node.guest("{}").status == 200; }, 5s, 20ms));
  HttpReply login = node.login(credentials("Faye", "persistent pw"));  // the user is in SQLite
  ASSERT_EQ(login.status, 200u) << login.body;
  std::string fresh = token_of(login);
  EXPECT_TRUE(node.authenticate(fresh).ok());
  // This Redis kept nothing on disk: sessions from before the crash are gone, so their tokens are refused.
  EXPECT_EQ(node.authenticate(token).reason, "revoked");
  // The subscriber resubscribed by itself: revocations are heard again.
  ASSERT_TRUE(ready->pop(5s));
  ASSERT_EQ(node.logout("Bearer " + fresh).status, 204u);
  EXPECT_EQ(revoked->pop(1s), node.auth().verify_token(fresh).claims->jti);
}

TEST_F(AuthServiceTest, TokensSurviveARestartButNotALogout) {
  std::string token;
  {
    Node first(redis_, data_.path());
    HttpReply reg = first.register_user(credentials("Hugo", "hugo's password"));
    ASSERT_EQ(reg.status, 201u);
    token = token_of(reg);
  }
  {
    Node second(redis_, data_.path());  // same data dir: same secret file, same users
    AuthResult a = second.authenticate(token);
    ASSERT_TRUE(a.ok()) << a.reason;
    EXPECT_EQ(a.user.name, "Hugo");
    EXPECT_EQ(second.login(credentials("hugo", "hugo's password")).status, 200u);
    EXPECT_EQ(second.logout("Bearer " + token).status, 204u);
  }
  Node third(redis_, data_.path());
  EXPECT_EQ(third.authenticate(token).reason, "revoked");
}

TEST_F(AuthServiceTest, LoginRateLimitPerName) {
  AuthConfig config = Node::fast_config();
  config.login_per_name = RateLimit{1, 3};  // three failures, then one more per minute
  Node node(redis_, data_.path(), config);
  ASSERT_EQ(node.register_user(credentials("Ivy", "ivy's password")).status, 201u);
  // Successes do not count against the name.
  for (int i = 0; i < 5; ++i) ASSERT_EQ(node.login(credentials("Ivy", "ivy's password")).status, 200u);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(node.login(credentials("Ivy", "wrong guess"), "10.0.0." + std::to_string(i)).status, 401u);
  HttpReply limited = node.login(credentials("ivy", "ivy's password"), "10.9.9.9");  // any address, any case
  EXPECT_EQ(limited.status, 429u);
  EXPECT_EQ(error_code(limited), "rate_limited");
  EXPECT_GT(limited.retry_after_s, 0u);
  // Another account is unaffected.
  ASSERT_EQ(node.register_user(credentials("Jay", "jay's password")).status, 201u);
  EXPECT_EQ(node.login(credentials("Jay", "jay's password")).status, 200u);
}

TEST_F(AuthServiceTest, LoginRateLimitPerAddress) {
  AuthConfig config = Node::fast_config();
  config.login_per_address = RateLimit{1, 5};
  Node node(redis_, data_.path(), config);
  for (int i = 0; i < 5; ++i)
    EXPECT_EQ(node.login(credentials("user" + std::to_string(i), "whatever pw"), "192.0.2.1").status, 401u);
  HttpReply limited = node.login(credentials("user9", "whatever pw"), "192.0.2.1");
  EXPECT_EQ(limited.status, 429u);
  EXPECT_EQ(error_code(limited), "rate_limited");
  EXPECT_EQ(node.login(credentials("user9", "whatever pw"), "192.0.2.2").status, 401u);  // another address
}

TEST_F(AuthServiceTest, RefusesAShortSecret) {
  RedisOptions o;
  o.port = redis_.port();
  RedisClient client(o);
  SessionStore sessions(client, nullptr);
  std::string error;
  auto db = SqliteDb::open(SqliteOptions{data_.path() / "a.sqlite3"}, archive_migrations(), error);
  ASSERT_TRUE(db);
  UserStore users(*db);
  AuthConfig config = Node::fast_config();
  config.jwt_secret = "short";
  EXPECT_THROW(AuthService(config, sessions, users), std::invalid_argument);
}

}  // namespace
}  // namespace chuhe::net

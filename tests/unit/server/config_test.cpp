// The server's configuration: defaults, file, environment and flags in that order of precedence,
// clear errors, and every key documented in config/chuhe.conf.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <regex>
#include <sstream>

#include "server/config.h"
#include "tests/support/temp_dir.h"

using chuhe::server::Config;
using chuhe::server::load_config;

TEST(ServerConfig, DefaultsServeLoopbackWithEmbeddedRedis) {
  Config config;
  ASSERT_FALSE(load_config({}, config));
  EXPECT_EQ(config.net.listen_address, "127.0.0.1");
  EXPECT_EQ(config.net.listen_port, 8080);
  EXPECT_TRUE(config.redis.empty());
  EXPECT_EQ(config.net.ws_max_message, 4096u);
}

TEST(ServerConfig, FlagsInBothForms) {
  Config config;
  ASSERT_FALSE(load_config({"--listen", "0.0.0.0:9001", "--redis=10.0.0.1:6380", "--data", "/tmp/x",
                            "--ws-max-message", "2048"},
                           config));
  EXPECT_EQ(config.net.listen_address, "0.0.0.0");
  EXPECT_EQ(config.net.listen_port, 9001);
  EXPECT_EQ(config.redis, "10.0.0.1:6380");
  EXPECT_EQ(config.data_dir, "/tmp/x");
  EXPECT_EQ(config.net.ws_max_message, 2048u);
}

TEST(ServerConfig, FileThenEnvironmentThenFlags) {
  chuhe::test::TempDir dir;
  auto path = dir.path() / "chuhe.conf";
  std::ofstream(path) << "# comment\nlisten = 127.0.0.1:7000\nmessage_burst = 10  # trailing comment\n"
                         "io_threads = 3\n";
  ::setenv("CHUHE_IO_THREADS", "5", 1);
  Config config;
  auto err = load_config({"--config", path.string(), "--message_burst", "12"}, config);
  ::unsetenv("CHUHE_IO_THREADS");
  ASSERT_FALSE(err) << *err;
  EXPECT_EQ(config.net.listen_port, 7000);   // file
  EXPECT_EQ(config.net.io_threads, 5);       // environment over file
  EXPECT_EQ(config.net.message_burst, 12);   // flag over file
}

TEST(ServerConfig, ErrorsNameTheProblem) {
  Config config;
  auto err = load_config({"--no_such_key", "1"}, config);
  ASSERT_TRUE(err);
  EXPECT_NE(err->find("no_such_key"), std::string::npos);
  err = load_config({"--listen", "nonsense"}, config);
  ASSERT_TRUE(err);
  EXPECT_NE(err->find("ADDRESS:PORT"), std::string::npos);
  err = load_config({"--ws_max_message", "12abc"}, config);
  ASSERT_TRUE(err);
  EXPECT_NE(err->find("ws_max_message"), std::string::npos);
  err = load_config({"--io_threads", "-1"}, config);
  ASSERT_TRUE(err);
  err = load_config({"--data"}, config);
  ASSERT_TRUE(err);
  EXPECT_NE(err->find("needs a value"), std::string::npos);
}

TEST(ServerConfig, EveryKeyIsDocumentedInTheDefaultConfigFile) {
  std::ifstream in(std::string(CHUHE_SOURCE_DIR) + "/config/chuhe.conf");
  ASSERT_TRUE(in);
  std::stringstream text;
  text << in.rdbuf();
  for (const auto& key : chuhe::server::config_keys()) {
    std::regex line("(^|\\n)" + std::string(key.name) + " =");
    EXPECT_TRUE(std::regex_search(text.str(), line)) << key.name << " is missing from config/chuhe.conf";
  }
  // And the documented file loads as it is.
  Config config;
  auto err = load_config({"--config", std::string(CHUHE_SOURCE_DIR) + "/config/chuhe.conf"}, config);
  EXPECT_FALSE(err) << *err;
}

// The weight file: round trip, and a clear error (never a crash) for every kind of bad file.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "ai/nn/weights_io.h"

namespace chuhe::ai::nn {
namespace {

NetworkDims tiny() {
  NetworkDims d;
  d.channels = 8;
  d.blocks = 1;
  d.value_hidden = 8;
  return d;
}

std::string error_of(std::vector<std::uint8_t> bytes) {
  Network n;
  auto e = parse_weights(bytes, n);
  return e ? *e : "";
}

TEST(NnWeights, RoundTrips) {
  const Network a = Network::random(tiny(), 1);
  Network b;
  ASSERT_FALSE(parse_weights(serialize_weights(a), b).has_value());
  EXPECT_EQ(b.dims, a.dims);
  EXPECT_EQ(b.params, a.params);
  EXPECT_EQ(b.layout.total, a.layout.total);
}

TEST(NnWeights, SavesAndLoadsFiles) {
  const auto path = (std::filesystem::temp_directory_path() / "chuhe_nn_weights_test.bin").string();
  const Network a = Network::random(tiny(), 2);
  ASSERT_FALSE(save_weights(a, path).has_value());
  Network b;
  ASSERT_FALSE(load_weights(path, b).has_value());
  EXPECT_EQ(b.params, a.params);
  std::filesystem::remove(path);
}

TEST(NnWeights, RejectsBadFilesWithClearErrors) {
  const std::vector<std::uint8_t> good = serialize_weights(Network::random(tiny(), 3));

  Network n;
  auto missing = load_weights("/nonexistent/chuhe.bin", n);
  ASSERT_TRUE(missing);
  EXPECT_NE(missing->find("cannot open"), std::string::npos) << *missing;

  EXPECT_NE(error_of({}).find("bad magic"), std::string::npos);
  auto wrong_magic = good;
  wrong_magic[0] = 'X';
  EXPECT_NE(error_of(wrong_magic).find("bad magic"), std::string::npos);

  for (std::size_t cut : {std::size_t(10), std::size_t(50), good.size() / 2, good.size() - 1}) {
    std::vector<std::uint8_t> t(good.begin(), good.begin() + std::ptrdiff_t(cut));
    EXPECT_NE(error_of(t).find("truncated"), std::string::npos) << cut << ": " << error_of(t);
  }

  auto corrupted = good;
  corrupted[good.size() / 2] ^= 0x40;
  EXPECT_NE(error_of(corrupted).find("checksum"), std::string::npos) << error_of(corrupted);

  auto version = good;
  version[8] = 7;
  EXPECT_NE(error_of(version).find("version 7"), std::string::npos) << error_of(version);

  auto dims = good;
  dims[12 + 4 * 6] = 0x10;  // policy_size
  EXPECT_NE(error_of(dims).find("policy size"), std::string::npos) << error_of(dims);

  auto huge = good;
  huge[16] = 0xFF;  // channels far out of range
  huge[17] = 0xFF;
  EXPECT_NE(error_of(huge).find("channels"), std::string::npos) << error_of(huge);

  auto count = good;
  count[40] ^= 1;
  EXPECT_NE(error_of(count).find("parameters"), std::string::npos) << error_of(count);

  auto trailing = good;
  trailing.push_back(0);
  EXPECT_NE(error_of(trailing).find("trailing"), std::string::npos) << error_of(trailing);
}

TEST(NnWeights, ShippedWeightsLoad) {
  Network n;
  auto e = load_weights(default_weights_path(), n);
  ASSERT_FALSE(e.has_value()) << *e;
  EXPECT_LT(std::filesystem::file_size(default_weights_path()), 2u << 20);
}

}  // namespace
}  // namespace chuhe::ai::nn

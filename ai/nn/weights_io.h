// The weight file: a fixed header, the parameters, and a CRC-32 of everything before it.
//
//   offset  size  field
//   0       8     magic "CHUHENN\0"
//   8       4     version (u32) = 1
//   12      28    dims (7 x i32): input_planes, channels, blocks, policy_channels, value_channels,
//                 value_hidden, policy_size
//   40      8     parameter count (u64), must equal the count the dims imply (network.h)
//   48      4n    parameters, float32, in ParamLayout order
//   48+4n   4     CRC-32 (IEEE, as zlib's crc32) of bytes [0, 48+4n)
//
// All integers and floats little-endian (the only byte order the targets have). Loading never
// crashes on a bad file: every defect gives an error text saying which.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "ai/nn/network.h"

namespace chuhe::ai::nn {

constexpr std::uint32_t kWeightsVersion = 1;

std::uint32_t crc32(std::span<const std::uint8_t> bytes);

std::vector<std::uint8_t> serialize_weights(const Network& net);
// On error, returns the reason and leaves out unchanged.
std::optional<std::string> parse_weights(std::span<const std::uint8_t> bytes, Network& out);

std::optional<std::string> save_weights(const Network& net, const std::string& path);
std::optional<std::string> load_weights(const std::string& path, Network& out);

// The weight file shipped in the source tree (ai/nn/weights/), as configured at build time.
std::string default_weights_path();

}  // namespace chuhe::ai::nn

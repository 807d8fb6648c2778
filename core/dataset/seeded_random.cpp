#include "dataset/seeded_random.h"

#include <cstddef>

namespace sm::core {

namespace {

// The SplitMix64 output function: a bijective mix of all 64 bits.
std::uint64_t mix64(std::uint64_t z) {
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

}  // namespace

std::uint64_t SeededRandom::nextU64() {
    m_state += 0x9E3779B97F4A7C15ULL;
    return mix64(m_state);
}

std::int64_t SeededRandom::uniformInt(std::int64_t low, std::int64_t high) {
    if (high <= low)
        return low;
    const std::uint64_t range = std::uint64_t(high) - std::uint64_t(low) + 1;  // 0 means the full 2^64 range
    if (range == 0)
        return std::int64_t(nextU64());
    // Rejection sampling: values at or above the largest multiple of `range` would favour small results.
    const std::uint64_t limit = (~std::uint64_t(0)) - ((~std::uint64_t(0)) % range + 1) % range;
    std::uint64_t value = nextU64();
    while (value > limit)
        value = nextU64();
    return std::int64_t(std::uint64_t(low) + value % range);
}

double SeededRandom::uniform01() {
    return double(nextU64() >> 11) * (1.0 / 9007199254740992.0);  // 2^-53
}

int SeededRandom::pickWeighted(const std::vector<double>& weights) {
    double total = 0.0;
    for (double w : weights)
        total += w > 0.0 ? w : 0.0;
    if (!(total > 0.0))
        return -1;
    const double target = uniform01() * total;
    double running = 0.0;
    int last = -1;
    for (int i = 0; i < int(weights.size()); ++i) {
        if (!(weights[std::size_t(i)] > 0.0))
            continue;
        running += weights[std::size_t(i)];
        last = i;
        if (target < running)
            return i;
    }
    return last;  // rounding left target == total
}

std::uint64_t SeededRandom::deriveSeed(std::uint64_t seed, std::uint64_t index) {
    return mix64(seed ^ mix64(index + 0x632BE59BD9B4E019ULL));
}

}  // namespace sm::core

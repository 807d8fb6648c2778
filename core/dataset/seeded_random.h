#pragma once
// A small seeded random number generator whose output is the same on every platform and standard library.
//
// Why not <random>: std::mt19937_64 is portable, but std::uniform_int_distribution and friends are not (libstdc++,
// libc++ and MSVC map the raw bits differently), so a dataset generated from seed 7 on one machine would differ on
// another. Everything here is explicit 64-bit integer arithmetic: SplitMix64 (Steele, Lea & Flood 2014) for the
// stream, unbiased bounded integers by rejection, doubles from the top 53 bits.
//
// Thread-safety: a SeededRandom is a plain value; use one per thread (copying it copies the stream position).
#include <cstdint>
#include <vector>

namespace sm::core {

class SeededRandom {
public:
    explicit SeededRandom(std::uint64_t seed = 0) : m_state(seed) {}

    // Next raw 64-bit value (SplitMix64).
    std::uint64_t nextU64();
    // Uniform integer in [low, high] (inclusive). Returns low when high <= low.
    std::int64_t uniformInt(std::int64_t low, std::int64_t high);
    // Uniform double in [0, 1), 53 random bits.
    double uniform01();
    // Uniform double in [low, high).
    double uniform(double low, double high) { return low + (high - low) * uniform01(); }
    // True with probability p (p <= 0: never, p >= 1: always).
    bool chance(double p) { return uniform01() < p; }
    // Index drawn with probability weights[i] / sum(weights); negative weights count as 0.
    // Returns -1 when no weight is positive.
    int pickWeighted(const std::vector<double>& weights);

    // Fisher-Yates shuffle with uniformInt (the same permutation everywhere, unlike std::shuffle).
    template <typename Container>
    void shuffle(Container& items) {
        for (std::int64_t i = std::int64_t(items.size()) - 1; i > 0; --i) {
            const std::int64_t j = uniformInt(0, i);
            if (j != i) {
                using std::swap;
                swap(items[i], items[j]);
            }
        }
    }

    // A seed for an independent sub-stream (e.g. one per clip), derived from this seed and an index, so clip k's
    // content does not depend on how many numbers clip k-1 consumed.
    static std::uint64_t deriveSeed(std::uint64_t seed, std::uint64_t index);

private:
    std::uint64_t m_state;
};

}  // namespace sm::core

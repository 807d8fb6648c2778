#include "pix2gif/motion_embedding.h"

#include <torch/torch.h>

#include "runtime/error.h"

namespace sm::pix2gif {

MotionEmbeddingConfig motionEmbeddingConfigFromWeights(const io::StateDict& weights, const std::string& source,
                                                       const std::string& prefix) {
    const std::string key = prefix + "embedding.weight";
    const auto it = weights.find(key);
    if (it == weights.end()) {
        throw WeightsError(source + ": key " + key + " is missing; the Pix2Gif motion embedding is required");
    }
    if (it->second.dim() != 2) {
        throw WeightsError(source + ": key " + key + " has shape " + io::shapeString(it->second.sizes()) +
                           ", expected [count, dim]");
    }
    // Any [count, dim] table is accepted; the real checkpoint has [1024, 768] (dim must match the text width,
    // which motionConditionedContext checks when the two meet).
    return {it->second.size(0), it->second.size(1)};
}

MotionEmbeddingImpl::MotionEmbeddingImpl(MotionEmbeddingConfig config) : m_config(config) {
    if (config.count <= 0 || config.dim <= 0) {
        throw ArgumentError("motion embedding: count " + std::to_string(config.count) + " and dim " +
                            std::to_string(config.dim) + " must be positive");
    }
    m_embedding = register_module("embedding", Embedding(config.count, config.dim));
}

torch::Tensor MotionEmbeddingImpl::forward(const torch::Tensor& motions) {
    if (motions.is_floating_point() || motions.is_complex() || motions.scalar_type() == torch::kBool) {
        throw ArgumentError("motion embedding: motions must be integers, got dtype " +
                            io::dtypeName(motions.scalar_type()));
    }
    // torch::embedding does not bounds-check on every backend; upstream's nn.Embedding raises IndexError.
    if (motions.numel() > 0) {
        const int64_t lo = motions.min().item<int64_t>();
        const int64_t hi = motions.max().item<int64_t>();
        if (lo < 0 || hi >= m_config.count) {
            throw ArgumentError("motion embedding: motion " + std::to_string(lo < 0 ? lo : hi) +
                                " is outside the table [0, " + std::to_string(m_config.count) + ")");
        }
    }
    // IntervalEmbedding: input.unsqueeze(-1) then embed, so a scalar gives [1, D] and [B] gives [B, 1, D].
    const torch::Tensor indices = motions.to(m_embedding->weight.device(), torch::kInt64).unsqueeze(-1);
    return m_embedding(indices);
}

torch::Tensor MotionEmbeddingImpl::embed(int64_t motion) {
    return forward(torch::tensor(motion, torch::kInt64));
}

torch::Tensor MotionEmbeddingImpl::embed(const std::vector<int64_t>& motions) {
    if (motions.empty()) {
        throw ArgumentError("motion embedding: the motion list is empty");
    }
    return forward(torch::tensor(motions, torch::kInt64));
}

torch::Tensor motionConditionedContext(const torch::Tensor& textContext, const torch::Tensor& motionEmbedding) {
    const auto fail = [&]() {
        throw ArgumentError(
            "motion-conditioned context: text context " + io::shapeString(textContext.sizes()) +
            " and motion embedding " + io::shapeString(motionEmbedding.sizes()) +
            " do not combine; expected [B, L, D] with [B, 1, D], [1, 1, D] or [1, D] (or [1, L, D] with [B, 1, D])");
    };
    if (textContext.dim() != 3 || motionEmbedding.dim() < 2 || motionEmbedding.size(-1) != textContext.size(2)) {
        fail();
    }
    const bool scalarForm = motionEmbedding.dim() == 2 && motionEmbedding.size(0) == 1;
    // Either batch may be 1 and broadcast: one prompt with B motions (training lists) or B prompts with one.
    const bool listForm =
        motionEmbedding.dim() == 3 && motionEmbedding.size(1) == 1 &&
        (motionEmbedding.size(0) == textContext.size(0) || motionEmbedding.size(0) == 1 || textContext.size(0) == 1);
    if (!scalarForm && !listForm) {
        fail();
    }
    // One fp32 add, broadcast over the token axis (and the batch for the scalar form): bitwise like upstream.
    return textContext + motionEmbedding;
}

}  // namespace sm::pix2gif

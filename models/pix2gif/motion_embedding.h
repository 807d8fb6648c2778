#pragma once
// Pix2Gif's motion embedding M (openaimodel.py IntervalEmbedding at hiteshK03/Pix2Gif@781ca78): an
// nn.Embedding(1024, 768) row per integer motion value, added to every one of the 77 CLIP token vectors.
//
//   c_M = embedding[motion]                       scalar motion → [1, 768]; list of B motions → [B, 1, 768]
//   c_L = c_T + c_M                               [B, 77, 768], padding tokens included (broadcast add)
// c_L feeds both the FlowNet injection and the UNet cross-attention; for CFG the null-text branches get
// CLIP("") + c_M as well (the motion embedding is never dropped).
//
// How it is assembled (pix2gif bundle, next round): the bundle registers a MotionEmbedding under
// "interval_embedding" (checkpoint key interval_embedding.embedding.weight, [1024, 768]), calls embed(motion) once
// per frame and motionConditionedContext(c_T, c_M) for each CFG branch, then hands c_L to flowConditionedWarp()
// and to the UNet.
//
// Only rows kTrainedMotionMin..kTrainedMotionMax were trained (the dataset kept flow magnitudes 2..19/20); other
// rows are the random N(0,1) init. The embedding accepts any row of the table; clamping the user's motion into the
// trained range is the pipeline's policy.
// Thread-safety: forward() only reads the table; concurrent calls are safe.
#include <torch/nn/module.h>
#include <torch/nn/pimpl.h>
#include <torch/types.h>

#include <string>
#include <vector>

#include "io/state_dict.h"
#include "runtime/layers.h"

namespace sm::pix2gif {

/// Prefix of the motion embedding inside a Pix2Gif LatentDiffusion checkpoint.
inline constexpr const char* kMotionEmbeddingPrefix = "interval_embedding.";
inline constexpr int64_t kTrainedMotionMin = 2;
inline constexpr int64_t kTrainedMotionMax = 19;

struct MotionEmbeddingConfig {
    int64_t count = 1024;  // rows: motion values 0 .. count-1
    int64_t dim = 768;     // the CLIP-L text width
};

/// Reads [count, dim] from "<prefix>embedding.weight". Throws sm::WeightsError naming `source`.
MotionEmbeddingConfig motionEmbeddingConfigFromWeights(const io::StateDict& weights, const std::string& source,
                                                       const std::string& prefix = kMotionEmbeddingPrefix);

class MotionEmbeddingImpl : public torch::nn::Module {
public:
    explicit MotionEmbeddingImpl(MotionEmbeddingConfig config = {});

    /// Upstream forward: indices (int64, any shape S, e.g. [] or [B]) → [S..., 1, dim] (unsqueeze(-1), embed).
    /// Throws sm::ArgumentError when an index is outside [0, count).
    torch::Tensor forward(const torch::Tensor& motions);
    /// A scalar motion, as the demo passes it: [1, dim].
    torch::Tensor embed(int64_t motion);
    /// A list of motions, as training batches pass them: [B, 1, dim].
    torch::Tensor embed(const std::vector<int64_t>& motions);

    const MotionEmbeddingConfig& config() const { return m_config; }

private:
    MotionEmbeddingConfig m_config;
    Embedding m_embedding{nullptr};
};
TORCH_MODULE(MotionEmbedding);

/// c_L = c_T + c_M (broadcast add, as upstream). textContext: [B, L, D]; motionEmbedding: [B, 1, D] or
/// [1, 1, D] (list form) or [1, D] (scalar form, shared by all B rows). A single prompt [1, L, D] with a motion
/// list [B, 1, D] gives B rows. Returns [max(B), L, D]. Throws sm::ArgumentError for other shapes.
torch::Tensor motionConditionedContext(const torch::Tensor& textContext, const torch::Tensor& motionEmbedding);

}  // namespace sm::pix2gif

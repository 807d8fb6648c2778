#include "text/clip_text_encoder.h"

#include <torch/torch.h>

#include <cstring>

#include "runtime/attention.h"
#include "runtime/error.h"

namespace sm::text {
namespace {

constexpr char kTokenEmbedding[] = "embeddings.token_embedding.weight";
constexpr char kPositionEmbedding[] = "embeddings.position_embedding.weight";
constexpr char kPositionIds[] = "embeddings.position_ids";
constexpr char kLayersPrefix[] = "encoder.layers.";
constexpr int64_t kDefaultHeadDim = 64;  // every released CLIP text tower uses 64-wide heads

bool startsWith(const std::string& text, const std::string& prefix) {
    return text.compare(0, prefix.size(), prefix) == 0;
}
bool endsWith(const std::string& text, const std::string& suffix) {
    return text.size() >= suffix.size() && text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

const torch::Tensor& requireTensor(const io::StateDict& dict, const std::string& key, int64_t dims) {
    const auto it = dict.find(key);
    if (it == dict.end()) {
        throw WeightsError("CLIP text weights: key " + key + " is missing");
    }
    if (it->second.dim() != dims) {
        throw WeightsError("CLIP text weights: key " + key + " has shape " + io::shapeString(it->second.sizes()) +
                           ", expected " + std::to_string(dims) + " dimensions");
    }
    return it->second;
}

torch::Tensor quickGelu(const torch::Tensor& x) {
    return x * torch::sigmoid(1.702 * x);
}

}  // namespace

ClipTextConfig clipTextConfigFromWeights(const io::StateDict& dict, const std::string& prefix,
                                         std::optional<int64_t> heads) {
    ClipTextConfig config;
    const torch::Tensor& tokens = requireTensor(dict, prefix + kTokenEmbedding, 2);
    config.vocabSize = tokens.size(0);
    config.width = tokens.size(1);
    const torch::Tensor& positions = requireTensor(dict, prefix + kPositionEmbedding, 2);
    if (positions.size(1) != config.width) {
        throw WeightsError("CLIP text weights: key " + prefix + kPositionEmbedding + " has shape " +
                           io::shapeString(positions.sizes()) + ", expected [*," + std::to_string(config.width) +
                           "] like the token embedding");
    }
    config.contextLength = positions.size(0);

    // Layer count: one more than the highest N in "encoder.layers.N." (the keys are sorted, so the range below holds
    // exactly the encoder's tensors).
    const std::string layers = prefix + kLayersPrefix;
    int64_t maxLayer = -1;
    for (auto it = dict.lower_bound(layers); it != dict.end() && startsWith(it->first, layers); ++it) {
        const std::string rest = it->first.substr(layers.size());
        const size_t dot = rest.find('.');
        try {
            maxLayer = std::max<int64_t>(maxLayer, std::stoll(rest.substr(0, dot)));
        } catch (const std::exception&) {
            throw WeightsError("CLIP text weights: key " + it->first + " has no layer number after " + layers);
        }
    }
    if (maxLayer < 0) {
        throw WeightsError("CLIP text weights: no " + layers + "N.* keys found");
    }
    config.layers = maxLayer + 1;
    config.mlpHidden = requireTensor(dict, layers + "0.mlp.fc1.weight", 2).size(0);

    config.heads = heads.value_or(config.width / kDefaultHeadDim);
    if (config.heads <= 0 || config.width % config.heads != 0) {
        throw WeightsError("CLIP text weights: width " + std::to_string(config.width) + " cannot be split into " +
                           std::to_string(config.heads) + " attention heads; pass the model's num_attention_heads");
    }
    return config;
}

std::string findClipTextPrefix(const io::StateDict& dict) {
    std::vector<std::string> prefixes;
    for (const auto& [key, tensor] : dict) {
        if (endsWith(key, kTokenEmbedding)) {
            prefixes.push_back(key.substr(0, key.size() - std::strlen(kTokenEmbedding)));
        }
    }
    if (prefixes.size() != 1) {
        std::string found;
        for (const std::string& p : prefixes) {
            found += " '" + p + "'";
        }
        throw WeightsError("CLIP text weights: expected one *" + std::string(kTokenEmbedding) + " key, found " +
                           std::to_string(prefixes.size()) + (found.empty() ? "" : ":" + found));
    }
    return prefixes.front();
}

io::StateDict clipTextWeights(const io::StateDict& dict, const std::string& prefix) {
    io::StateDict out;
    for (auto it = dict.lower_bound(prefix); it != dict.end() && startsWith(it->first, prefix); ++it) {
        std::string key = it->first.substr(prefix.size());
        if (key != kPositionIds) {  // HF's arange buffer: never needed
            out.emplace(std::move(key), it->second);
        }
    }
    return out;
}

// ------------------------------------------------------------------------------------------------------------------

ClipAttentionImpl::ClipAttentionImpl(int64_t width, int64_t headCount) : heads(headCount) {
    q_proj = register_module("q_proj", Linear(width, width));
    k_proj = register_module("k_proj", Linear(width, width));
    v_proj = register_module("v_proj", Linear(width, width));
    out_proj = register_module("out_proj", Linear(width, width));
}

torch::Tensor ClipAttentionImpl::forward(const torch::Tensor& x) {
    const int64_t batch = x.size(0), length = x.size(1), width = x.size(2);
    const int64_t headDim = width / heads;
    const auto split = [&](const torch::Tensor& t) {
        return t.view({batch, length, heads, headDim}).transpose(1, 2);  // [B, H, L, D]
    };
    // softmax(q·kᵀ / sqrt(D) + causal mask) · v; HF scales q first, openai inside MultiheadAttention: same maths.
    torch::Tensor o = sm::attention(split(q_proj(x)), split(k_proj(x)), split(v_proj(x)), {}, /*causal=*/true);
    o = o.transpose(1, 2).reshape({batch, length, width});  // [B, L, W]
    return out_proj(o);
}

ClipMlpImpl::ClipMlpImpl(int64_t width, int64_t hidden) {
    fc1 = register_module("fc1", Linear(width, hidden));
    fc2 = register_module("fc2", Linear(hidden, width));
}

torch::Tensor ClipMlpImpl::forward(const torch::Tensor& x) {
    return fc2(quickGelu(fc1(x)));
}

ClipEncoderLayerImpl::ClipEncoderLayerImpl(const ClipTextConfig& config) {
    self_attn = register_module("self_attn", ClipAttention(config.width, config.heads));
    layer_norm1 = register_module("layer_norm1", LayerNorm(std::vector<int64_t>{config.width}, config.layerNormEps));
    mlp = register_module("mlp", ClipMlp(config.width, config.mlpHidden));
    layer_norm2 = register_module("layer_norm2", LayerNorm(std::vector<int64_t>{config.width}, config.layerNormEps));
}

torch::Tensor ClipEncoderLayerImpl::forward(const torch::Tensor& x) {
    // Pre-LN residual blocks.
    const torch::Tensor h = x + self_attn(layer_norm1(x));
    return h + mlp(layer_norm2(h));
}

ClipTextEmbeddingsImpl::ClipTextEmbeddingsImpl(const ClipTextConfig& config) {
    token_embedding = register_module("token_embedding", Embedding(config.vocabSize, config.width));
    position_embedding = register_module("position_embedding", Embedding(config.contextLength, config.width));
}

torch::Tensor ClipTextEmbeddingsImpl::forward(const torch::Tensor& inputIds) {
    const int64_t length = inputIds.size(1);
    // position_ids is arange(L): the first L rows of the table, broadcast over the batch.
    return token_embedding(inputIds) + position_embedding->weight.narrow(0, 0, length).unsqueeze(0);  // [B, L, W]
}

ClipEncoderImpl::ClipEncoderImpl(const ClipTextConfig& config) {
    layers = register_module("layers", torch::nn::ModuleList());
    for (int64_t i = 0; i < config.layers; ++i) {
        layers->push_back(ClipEncoderLayer(config));
    }
}

ClipTextModelImpl::ClipTextModelImpl(const ClipTextConfig& cfg) : config(cfg) {
    TORCH_CHECK(cfg.heads > 0 && cfg.width % cfg.heads == 0, "ClipTextModel: width ", cfg.width,
                " is not divisible by heads ", cfg.heads);
    embeddings = register_module("embeddings", ClipTextEmbeddings(cfg));
    encoder = register_module("encoder", ClipEncoder(cfg));
    final_layer_norm =
        register_module("final_layer_norm", LayerNorm(std::vector<int64_t>{cfg.width}, cfg.layerNormEps));
}

torch::Tensor ClipTextModelImpl::forward(const torch::Tensor& inputIds) {
    return forward(inputIds, nullptr);
}

torch::Tensor ClipTextModelImpl::forward(const torch::Tensor& inputIds, std::vector<torch::Tensor>* hiddenStates) {
    TORCH_CHECK(inputIds.dim() == 2, "ClipTextModel: input ids must be [batch, tokens], got shape ", inputIds.sizes());
    TORCH_CHECK(inputIds.size(1) >= 1 && inputIds.size(1) <= config.contextLength, "ClipTextModel: ", inputIds.size(1),
                " tokens per prompt, the model takes 1 to ", config.contextLength,
                " (tokenize with maxLength = ", config.contextLength, ")");
    TORCH_CHECK(!inputIds.is_floating_point(), "ClipTextModel: input ids must be integers, got ", inputIds.dtype());
    const torch::Tensor ids = inputIds.to(embeddings->token_embedding->weight.device(), torch::kLong);
    // An out-of-range id would make the embedding lookup fail deep inside LibTorch (or read garbage on CUDA); a
    // mismatched tokenizer is the usual cause, so say so.
    if (ids.numel() > 0) {
        const int64_t low = ids.min().item<int64_t>(), high = ids.max().item<int64_t>();
        TORCH_CHECK(low >= 0 && high < config.vocabSize, "ClipTextModel: token ids must lie in [0, ", config.vocabSize,
                    "), got ", low, "..", high, " (tokenizer and text encoder do not match)");
    }
    torch::Tensor x = embeddings(ids);  // [B, L, W]
    if (hiddenStates != nullptr) {
        hiddenStates->clear();
        hiddenStates->push_back(x);
    }
    for (const auto& layer : *encoder->layers) {
        x = layer->as<ClipEncoderLayerImpl>()->forward(x);
        if (hiddenStates != nullptr) {
            hiddenStates->push_back(x);
        }
    }
    return final_layer_norm(x);  // last_hidden_state [B, L, W]
}

ClipTextModel loadClipTextModel(const io::StateDict& dict, const std::string& prefix, const std::string& source,
                                std::optional<int64_t> heads, const io::LoadOptions& options) {
    const ClipTextConfig config = clipTextConfigFromWeights(dict, prefix, heads);
    ClipTextModel model(config);
    const std::string where = prefix.empty() ? source : source + " (keys under " + prefix + ")";
    io::loadModuleWeights(*model, clipTextWeights(dict, prefix), where, options);
    model->eval();
    return model;
}

}  // namespace sm::text

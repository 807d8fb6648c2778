#pragma once
// The CLIP text transformer (HF CLIPTextModel's text_model, openai CLIP's text tower) returning the full last hidden
// state, which ldm's FrozenCLIPEmbedder hands to the UNet's cross-attention (Pix2Gif) and Cinemo uses likewise.
//
//   sm::io::StateDict dict = sm::io::readSafetensors("model.safetensors");
//   sm::text::ClipTextModel clip = sm::text::loadClipTextModel(dict, sm::text::kLdmClipTextPrefix, "model.ckpt");
//   torch::Tensor context = clip->forward(tokenizer.encodeBatch({prompt}));   // [1, 77, 768]
//
// Maths (openai/CLIP model.py == HF CLIPTextModel with hidden_act quick_gelu): x = token_embedding(ids) +
// position_embedding[:L]; per layer x += out_proj(causal_attention(layer_norm1(x))), x += fc2(quick_gelu(fc1(
// layer_norm2(x)))) with quick_gelu(x) = x·sigmoid(1.702x); result = final_layer_norm(x). No attention mask besides
// the causal one (FrozenCLIPEmbedder passes none), so padding tokens attend to everything before them.
//
// Module tree and parameter names are HF's, relative to "text_model.":
//   embeddings.token_embedding.weight [vocab, W]      embeddings.position_embedding.weight [ctx, W]
//   encoder.layers.N.self_attn.{q,k,v,out}_proj.{weight,bias}   encoder.layers.N.layer_norm{1,2}.{weight,bias}
//   encoder.layers.N.mlp.fc{1,2}.{weight,bias}        final_layer_norm.{weight,bias}
// HF's buffer embeddings.position_ids (always arange(ctx)) is not part of the module: present or absent in a file,
// it is accepted and ignored.
//
// Thread-safety: forward() is safe from several threads once loaded (no state changes). InferenceMode/NoGradGuard
// are the caller's.
#include <torch/nn/module.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/pimpl.h>

#include <optional>
#include <string>
#include <vector>

#include "io/module_loader.h"
#include "io/state_dict.h"
#include "runtime/layers.h"

namespace sm::text {

/// The prefix of the text model's keys in an ldm / Pix2Gif / SD-1.x checkpoint (FrozenCLIPEmbedder.transformer).
inline constexpr const char* kLdmClipTextPrefix = "cond_stage_model.transformer.text_model.";
/// The prefix in an HF CLIPTextModel file (diffusers text_encoder/model.safetensors).
inline constexpr const char* kHfClipTextPrefix = "text_model.";

struct ClipTextConfig {
    int64_t vocabSize = 49408;
    int64_t contextLength = 77;
    int64_t width = 768;
    int64_t heads = 12;
    int64_t layers = 12;
    int64_t mlpHidden = 3072;
    double layerNormEps = 1e-5;

    /// ViT-L/14's text tower: the SD-1.x / Pix2Gif text encoder.
    static ClipTextConfig vitL14() { return {}; }
};

/// The config of the weights under `prefix`: vocab and width from token_embedding, context length from
/// position_embedding, layers from the highest encoder.layers.N, MLP width from fc1. Head count cannot be read
/// from shapes: `heads`, else width / 64 (12 for ViT-L/14; pass config.json's num_attention_heads otherwise).
/// Throws sm::WeightsError naming the missing or inconsistent key.
ClipTextConfig clipTextConfigFromWeights(const io::StateDict& dict, const std::string& prefix = "",
                                         std::optional<int64_t> heads = std::nullopt);

/// The prefix ending in "text_model." (or "" for bare keys) under which `dict` holds a CLIP text model, found from
/// its token_embedding key. Throws sm::WeightsError when there is none or more than one.
std::string findClipTextPrefix(const io::StateDict& dict);

struct ClipAttentionImpl : torch::nn::Module {
    ClipAttentionImpl(int64_t width, int64_t heads);
    torch::Tensor forward(const torch::Tensor& x);  // [B, L, W] -> [B, L, W], causal
    Linear q_proj{nullptr}, k_proj{nullptr}, v_proj{nullptr}, out_proj{nullptr};
    int64_t heads;
};
TORCH_MODULE(ClipAttention);

struct ClipMlpImpl : torch::nn::Module {
    ClipMlpImpl(int64_t width, int64_t hidden);
    torch::Tensor forward(const torch::Tensor& x);  // [B, L, W] -> [B, L, W]
    Linear fc1{nullptr}, fc2{nullptr};
};
TORCH_MODULE(ClipMlp);

struct ClipEncoderLayerImpl : torch::nn::Module {
    explicit ClipEncoderLayerImpl(const ClipTextConfig& config);
    torch::Tensor forward(const torch::Tensor& x);  // [B, L, W] -> [B, L, W]
    ClipAttention self_attn{nullptr};
    LayerNorm layer_norm1{nullptr};
    ClipMlp mlp{nullptr};
    LayerNorm layer_norm2{nullptr};
};
TORCH_MODULE(ClipEncoderLayer);

struct ClipTextEmbeddingsImpl : torch::nn::Module {
    explicit ClipTextEmbeddingsImpl(const ClipTextConfig& config);
    torch::Tensor forward(const torch::Tensor& inputIds);  // int64 [B, L] -> [B, L, W]
    Embedding token_embedding{nullptr}, position_embedding{nullptr};
};
TORCH_MODULE(ClipTextEmbeddings);

struct ClipEncoderImpl : torch::nn::Module {
    explicit ClipEncoderImpl(const ClipTextConfig& config);
    torch::nn::ModuleList layers{nullptr};  // of ClipEncoderLayer
};
TORCH_MODULE(ClipEncoder);

/// HF's CLIPTextTransformer: the module whose keys follow "text_model.".
struct ClipTextModelImpl : torch::nn::Module {
    explicit ClipTextModelImpl(const ClipTextConfig& config);
    /// inputIds: int64 [B, L] with 1 <= L <= contextLength and ids < vocabSize -> last_hidden_state [B, L, W].
    torch::Tensor forward(const torch::Tensor& inputIds);
    /// The same, also returning the embeddings and each layer's output (HF hidden_states) for debugging.
    torch::Tensor forward(const torch::Tensor& inputIds, std::vector<torch::Tensor>* hiddenStates);

    ClipTextConfig config;
    ClipTextEmbeddings embeddings{nullptr};
    ClipEncoder encoder{nullptr};
    LayerNorm final_layer_norm{nullptr};
};
TORCH_MODULE(ClipTextModel);

/// Builds the model from the config of the weights under `prefix` and loads them strictly (position_ids
/// tolerated; options.strict etc. as in io::loadModuleWeights). `source` names the file in messages. Throws
/// sm::WeightsError listing missing/mismatched keys.
ClipTextModel loadClipTextModel(const io::StateDict& dict, const std::string& prefix, const std::string& source,
                                std::optional<int64_t> heads = std::nullopt, const io::LoadOptions& options = {});

/// The tensors under `prefix` with the prefix removed and position_ids dropped: the module's own key set.
io::StateDict clipTextWeights(const io::StateDict& dict, const std::string& prefix);

}  // namespace sm::text

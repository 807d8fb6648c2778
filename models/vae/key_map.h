#pragma once
// Key names of the SD KL-f8 autoencoder in its two published layouts, and the renaming between them.
//
// The engine's modules use the diffusers v0.24 names (encoder.down_blocks.N.resnets.M.*, mid_block.attentions.0.to_q,
// decoder.up_blocks.N.*, conv_norm_out, ...). Checkpoints come in three spellings:
//  - ldm / CompVis (Pix2Gif, SD .ckpt): encoder.down.N.block.M.*, nin_shortcut, mid.block_1/attn_1/block_2,
//    norm_out, decoder.up.N.* (N counts from the *highest* resolution, so ldm up.N == diffusers up_blocks.(L-1-N)),
//    attention q/k/v/proj_out stored as 1x1 convs [C, C, 1, 1]. Inside a full checkpoint every key carries the
//    prefix "first_stage_model.".
//  - diffusers: the engine's own names; attention projections are Linear [C, C].
//  - old diffusers files: the mid-block attention uses query/key/value/proj_attn instead of to_q/to_k/to_v/to_out.0.
//
// All functions are pure (no global state) and thread-safe. They work on tensors of any device, including meta
// tensors, so manifests can be converted without memory.
#include <string>

#include "io/state_dict.h"

namespace sm::vae {

enum class KeyNaming {
    Ldm,        // CompVis latent-diffusion names
    Diffusers,  // diffusers names (including the deprecated query/key/value/proj_attn attention names)
};

/// The prefix of the autoencoder inside a full ldm / Pix2Gif checkpoint.
inline constexpr const char* kLdmCheckpointPrefix = "first_stage_model.";

/// Which naming `dict` uses, judged from its encoder/decoder keys after an optional `prefix` (the prefix is
/// stripped before looking). Throws sm::WeightsError naming `source` when neither layout is recognised.
KeyNaming detectKeyNaming(const io::StateDict& dict, const std::string& source, const std::string& prefix = {});

/// The keys of `dict` that start with `prefix`, with the prefix removed (all of `dict` when `prefix` is empty).
io::StateDict stripPrefix(const io::StateDict& dict, const std::string& prefix);

/// ldm names -> diffusers names. The attention q/k/v/proj_out 1x1-conv weights [C, C, 1, 1] become Linear
/// weights [C, C] (views, no copy). The decoder level count is taken from the dict's decoder.up.N keys.
/// Keys that belong to neither encoder, decoder, quant_conv nor post_quant_conv are refused with sm::WeightsError
/// naming `source` and the key (a loss.* or attention-at-resolution key the engine cannot use).
io::StateDict ldmToDiffusers(const io::StateDict& ldm, const std::string& source);

/// diffusers names -> ldm names, the inverse of ldmToDiffusers ([C, C] attention weights become [C, C, 1, 1]).
/// Used to write ldm checkpoints and to compare the engine's tree with ldm manifests.
io::StateDict diffusersToLdm(const io::StateDict& diffusers, const std::string& source);

/// Renames the deprecated mid-block attention names query/key/value/proj_attn to to_q/to_k/to_v/to_out.0
/// (as diffusers' ModelMixin does on load); other keys pass through.
io::StateDict renameLegacyAttention(const io::StateDict& diffusers);

/// Everything a loader needs in one call: when `dict` holds "first_stage_model." keys only those are kept (a full
/// ldm checkpoint); of those, only encoder.*, decoder.*, quant_conv.* and post_quant_conv.* (stand-alone VAE
/// checkpoints also carry loss.* and model_ema.* entries); then the naming is detected and the result is returned
/// under the engine's diffusers names. Works for the SD AutoencoderKL and for the SVD temporal decoder VAE (its
/// keys are diffusers names already). Throws sm::WeightsError naming `source` as detectKeyNaming/ldmToDiffusers.
io::StateDict normalizeVaeStateDict(const io::StateDict& dict, const std::string& source);

}  // namespace sm::vae

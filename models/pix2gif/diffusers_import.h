#pragma once
// A diffusers Stable Diffusion pipeline folder (SD-1.x, InstructPix2Pix) as a Pix2Gif start point.
//
//   sm::pix2gif::DiffusersPipelineImport sd = sm::pix2gif::importDiffusersPipeline("/models/instruct-pix2pix");
//   // sd.weights: an ldm/Lightning state dict, as if the folder had been a .ckpt:
//   //   model.diffusion_model.*                   unet/         (unet::diffusersToLdmUnet, 1×1-conv projections)
//   //   first_stage_model.*                       vae/          (vae::diffusersToLdm)
//   //   cond_stage_model.transformer.text_model.* text_encoder/ (HF CLIPTextModel keys, position_ids kept if stored)
//   // sd.config: what the weights cannot tell, as a partial Pix2GifConfig JSON (see Pix2GifConfig::fromJson).
//
// loadPix2GifModel() calls this for such folders, so a folder loads like an SD/IP2P .ckpt: the UNet's first conv
// is widened to 12 channels and FlowNet and the motion table start fresh.
//
// Folder layout (diffusers save_pretrained): model_index.json (optional here), unet/, vae/, text_encoder/, each with
// config.json and weights in any form io::loadDiffusersComponent reads (safetensors or .bin, sharded or not, with
// an optional variant such as "fp16"). tokenizer/ and scheduler/ are not read: the caller passes the tokenizer,
// and Pix2Gif always samples on the ldm DDPM schedule.
//
// Refused with sm::WeightsError naming the folder, the component and the reason: missing components, UNet options
// the ldm UNet cannot reproduce (scale-shift ResBlocks, other timestep embeddings, class/addition embeddings,
// cross-attention-only blocks, non-32 GroupNorm), text encoders other than CLIP's quick_gelu transformer.
// Thread-safety: reentrant (no shared state).
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "io/state_dict.h"

namespace sm::pix2gif {

struct DiffusersPipelineImport {
    /// ldm names (see above); tensors are views into the memory-mapped files where the format allows.
    io::StateDict weights;
    /// Partial Pix2GifConfig JSON: unet.num_heads / unet.num_head_channels (from unet/config.json), text.heads
    /// (text_encoder/config.json num_attention_heads), scale_factor (vae/config.json scaling_factor), and
    /// flownet.ngf sized so a fresh FlowNet's injection map fits the text width (omitted when none fits).
    nlohmann::json config = nlohmann::json::object();
    /// The weight files read, component by component (for the load summary and the model card).
    std::vector<std::string> files;
};

/// True when `path` is a folder with model_index.json, or with unet/, vae/ and text_encoder/ sub-folders.
bool isDiffusersPipelineFolder(const std::string& path);

/// Reads and converts the unet/, vae/ and text_encoder/ components of `folder` (see the top of this header).
/// `variant` selects weight files such as diffusion_pytorch_model.fp16.safetensors.
DiffusersPipelineImport importDiffusersPipeline(const std::string& folder, const std::string& variant = {});

/// importDiffusersPipeline(folder, variant).weights.
io::StateDict ldmStateDictFromDiffusersPipeline(const std::string& folder, const std::string& variant = {});

}  // namespace sm::pix2gif

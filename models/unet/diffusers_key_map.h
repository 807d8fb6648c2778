#pragma once
// Renaming between the two published layouts of the SD-1.x / SD-2.x / InstructPix2Pix UNet:
//  - diffusers `UNet2DConditionModel` (unet/diffusion_pytorch_model.*):  conv_in, time_embedding.linear_{1,2},
//    down_blocks.N.{resnets,attentions}.M, down_blocks.N.downsamplers.0.conv, mid_block.{resnets,attentions},
//    up_blocks.N.{resnets,attentions}.M, up_blocks.N.upsamplers.0.conv, conv_norm_out, conv_out;
//  - ldm `UNetModel` (unet/ldm_unet.h, bare keys, no "model.diffusion_model." prefix).
//
// The map is diffusers' scripts/convert_diffusers_to_original_stable_diffusion.py (v0.24), with the block
// layout (levels L, ResBlocks per level R, which levels have attention) read from the dict instead of the
// script's hard-coded 4 × 2:
//   conv_in                              input_blocks.0.0
//   time_embedding.linear_1 / linear_2   time_embed.0 / time_embed.2
//   down_blocks.i.resnets.j              input_blocks.(1 + i·(R+1) + j).0      (ResBlock layers renamed, below)
//   down_blocks.i.attentions.j           input_blocks.(1 + i·(R+1) + j).1      (SpatialTransformer: same inner names)
//   down_blocks.i.downsamplers.0.conv    input_blocks.((i+1)·(R+1)).0.op
//   mid_block.resnets.0 / attentions.0 / resnets.1          middle_block.0 / 1 / 2
//   up_blocks.i.resnets.j                output_blocks.(i·(R+1) + j).0        (j < R+1: the up path has one more)
//   up_blocks.i.attentions.j             output_blocks.(i·(R+1) + j).1
//   up_blocks.i.upsamplers.0.conv        output_blocks.(i·(R+1) + R).(2 if up block i has attention, else 1).conv
//   conv_norm_out / conv_out             out.0 / out.2
// ResBlock layers: norm1 in_layers.0, conv1 in_layers.2, time_emb_proj emb_layers.1, norm2 out_layers.0,
// conv2 out_layers.3, conv_shortcut skip_connection.
//
// SpatialTransformer proj_in / proj_out are 1×1 convs [C, C, 1, 1] in SD-1.x and Linear [C, C] in SD-2.x
// (diffusers use_linear_projection, ldm use_linear_in_transformer). ProjectionLayout chooses what the output
// holds; LdmUNet (SD-1.x code) wants Conv1x1. Reshapes are views: no tensor data is copied.
//
// All functions are pure and thread-safe; they work on tensors of any device, meta tensors included. Keys the
// map does not know (class/addition embeddings, LoRA layers, ...) are refused with sm::WeightsError naming
// `source` and the key, so that a model the engine cannot run is never loaded half-way.
#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "io/state_dict.h"
#include "unet/ldm_unet.h"

namespace sm::unet {

/// What the SpatialTransformer proj_in / proj_out weights become.
enum class ProjectionLayout {
    Conv1x1,   // [C, C, 1, 1]: SD-1.x, what LdmUNet loads
    Linear,    // [C, C]: SD-2.x (use_linear_projection)
    AsStored,  // unchanged
};

/// The block structure shared by both namings, highest resolution first for the down path and lowest first
/// for the up path (the order of diffusers' up_blocks and of ldm's output_blocks).
struct UNetBlockLayout {
    int64_t levels = 0;               // resolution levels (len(block_out_channels) = len(channel_mult))
    int64_t resnetsPerLevel = 0;      // ResBlocks per down level (layers_per_block); the up path has one more
    std::vector<bool> downAttention;  // per down level: has a SpatialTransformer after each ResBlock
    std::vector<bool> upAttention;    // per up block (up block i is down level levels-1-i)

    /// input_blocks count: conv_in + R + 1 per level, minus the missing downsampler of the last level.
    int64_t inputBlockCount() const { return levels * (resnetsPerLevel + 1); }
    int64_t outputBlockCount() const { return levels * (resnetsPerLevel + 1); }
};

/// True when `dict` looks like a diffusers UNet2DConditionModel (conv_in.weight and down_blocks.* keys).
bool isDiffusersUnet(const io::StateDict& dict);

/// The layout of a diffusers UNet dict, from its down_blocks / up_blocks keys. Throws sm::WeightsError naming
/// `source` when levels disagree (a level with another ResBlock count, up blocks that do not have R + 1).
UNetBlockLayout diffusersUnetLayout(const io::StateDict& diffusers, const std::string& source);

/// The layout of a bare ldm UNet dict, from its input_blocks / output_blocks keys. Throws like above.
UNetBlockLayout ldmUnetLayout(const io::StateDict& ldm, const std::string& source);

/// diffusers names -> bare ldm names (add unet::kCheckpointPrefix for a checkpoint). `projection` says what the
/// proj_in / proj_out weights become (Conv1x1 for LdmUNet). Throws sm::WeightsError naming `source` and the key
/// for a key outside the map, an index outside the layout, or a projection that cannot be reshaped.
io::StateDict diffusersToLdmUnet(const io::StateDict& diffusers, const std::string& source,
                                 ProjectionLayout projection = ProjectionLayout::Conv1x1);

/// Bare ldm names -> diffusers names, the exact inverse of diffusersToLdmUnet (for writing diffusers folders
/// and for tests). `projection` AsStored keeps the 1×1 convs of SD-1.x, as diffusers stores them for SD-1.x.
/// Throws sm::WeightsError like diffusersToLdmUnet.
io::StateDict ldmToDiffusersUnet(const io::StateDict& ldm, const std::string& source,
                                 ProjectionLayout projection = ProjectionLayout::AsStored);

/// Sets config.numHeads / numHeadChannels from a diffusers unet/config.json. diffusers stores the HEAD COUNT per
/// level in `num_attention_heads`, or (SD-1.x and SD-2.x files, a historical misnomer) in `attention_head_dim`:
/// an int (same heads everywhere: numHeads) or a per-level list (SD-2.x [5,10,20,20] = widths / 64: numHeadChannels).
/// Only the levels with attention and the middle block (the last level's width) are looked at. Throws
/// sm::WeightsError naming `source` for a list whose heads fit neither ldm form.
void applyDiffusersHeads(const nlohmann::json& unetConfig, LdmUNetConfig& config, const std::string& source);

}  // namespace sm::unet

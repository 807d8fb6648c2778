#pragma once
// Diffusers / transformers component folders: `unet/`, `vae/`, `text_encoder/`, … as saved by save_pretrained.
//
//   sm::io::DiffusersComponent unet = sm::io::loadDiffusersComponent("/models/cinemo/unet");
//   int channels = unet.config.at("block_out_channels")[0];     // config.json as nlohmann::json
//   sm::io::loadModuleWeights(*model, unet.weights, unet.dir);
//
// The weights file is chosen the way diffusers chooses it, safetensors first:
//   diffusion_pytorch_model.safetensors, diffusion_pytorch_model.safetensors.index.json,
//   model.safetensors, model.safetensors.index.json,
//   diffusion_pytorch_model.bin, diffusion_pytorch_model.bin.index.json,
//   pytorch_model.bin, pytorch_model.bin.index.json
// with an optional variant inserted before the last extension ("fp16": diffusion_pytorch_model.fp16.safetensors,
// diffusion_pytorch_model.safetensors.index.fp16.json).
//
// A sharded index is {"metadata": {...}, "weight_map": {"<key>": "<shard file>"}}: every shard is read once and
// every key must be in the shard the map names. Shard names must be plain file names inside the folder.
// Errors: sm::WeightsError naming the folder or file. Thread-safety: reentrant.
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "io/state_dict.h"

namespace sm::io {

struct DiffusersComponent {
    std::string dir;
    nlohmann::json config = nlohmann::json::object();  // config.json; empty object when the folder has none
    StateDict weights;
    std::vector<std::string> files;  // the weight files read (the index first when sharded)
};

/// The weights file or shard index a component folder loads from; throws sm::WeightsError when it has none
/// (naming the files looked for, and the component folders when `dir` is a pipeline's root).
std::string findComponentWeights(const std::string& dir, const std::string& variant = {});

/// Loads config.json and the weights of a component folder.
DiffusersComponent loadDiffusersComponent(const std::string& dir, const std::string& variant = {});

/// Loads every key of a "*.index.json" shard index (safetensors or torch.save shards). `files`, when given,
/// receives the shard paths read.
StateDict loadShardedWeights(const std::string& indexPath, std::vector<std::string>* files = nullptr);

/// Parses a JSON file; throws sm::WeightsError naming the file on I/O or syntax errors.
nlohmann::json readJsonFile(const std::string& path);

}  // namespace sm::io

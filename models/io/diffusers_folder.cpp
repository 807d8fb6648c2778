#include "io/diffusers_folder.h"

#include <torch/torch.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "io/safetensors.h"
#include "io/torch_checkpoint.h"
#include "io/weight_map.h"
#include "runtime/error.h"

namespace sm::io {
namespace fs = std::filesystem;
namespace {

constexpr const char* kWeightNames[] = {
    "diffusion_pytorch_model.safetensors",
    "diffusion_pytorch_model.safetensors.index.json",
    "model.safetensors",
    "model.safetensors.index.json",
    "diffusion_pytorch_model.bin",
    "diffusion_pytorch_model.bin.index.json",
    "pytorch_model.bin",
    "pytorch_model.bin.index.json",
};

constexpr const char* kComponentNames[] = {"unet", "vae", "text_encoder", "vae_temporal_decoder", "image_encoder"};

// diffusers' _add_variant: the variant goes before the last extension.
std::string withVariant(const std::string& name, const std::string& variant) {
    if (variant.empty()) {
        return name;
    }
    const size_t dot = name.rfind('.');
    return name.substr(0, dot) + "." + variant + name.substr(dot);
}

bool endsWith(const std::string& text, const std::string& suffix) {
    return text.size() >= suffix.size() && text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// Shards are read by their content, whatever their extension claims.
StateDict readWeightsFile(const std::string& path) {
    const WeightsFormat format = detectWeightsFormat(path);
    if (format == WeightsFormat::TorchZip || format == WeightsFormat::TorchLegacy) {
        return loadTorchCheckpoint(path);
    }
    return readSafetensors(path);  // also gives the precise message for a damaged file
}

}  // namespace

nlohmann::json readJsonFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        throw WeightsError(path + ": cannot open");
    }
    std::ostringstream text;
    text << in.rdbuf();
    try {
        return nlohmann::json::parse(text.str());
    } catch (const nlohmann::json::exception& e) {
        throw WeightsError(path + ": not valid JSON: " + e.what());
    }
}

// Only the keys the index assigns are taken from each shard: the index is the contract transformers and diffusers
// write, and a key found in the wrong shard means a mismatched download.
StateDict loadShardedWeights(const std::string& indexPath, std::vector<std::string>* files) {
    const nlohmann::json index = readJsonFile(indexPath);
    if (!index.is_object() || !index.contains("weight_map") || !index["weight_map"].is_object()) {
        throw WeightsError(indexPath + ": shard index without a \"weight_map\" object");
    }
    const fs::path dir = fs::path(indexPath).parent_path();
    // shard file → keys the map assigns to it, in a stable order
    std::map<std::string, std::vector<std::string>> shards;
    for (const auto& [key, shard] : index["weight_map"].items()) {
        if (!shard.is_string()) {
            throw WeightsError(indexPath + ": weight_map entry '" + key + "' is not a file name");
        }
        const std::string name = shard.get<std::string>();
        // The index is data from the internet: it must not point outside its folder.
        if (name.empty() || name == "." || name == ".." || name.find('/') != std::string::npos ||
            name.find('\\') != std::string::npos) {
            throw WeightsError(indexPath + ": weight_map entry '" + key + "' names '" + name +
                               "', which is not a plain file name in the folder");
        }
        shards[name].push_back(key);
    }
    if (shards.empty()) {
        throw WeightsError(indexPath + ": the weight_map is empty");
    }
    StateDict out;
    for (const auto& [name, keys] : shards) {
        const std::string shardPath = (dir / name).string();
        if (files != nullptr) {
            files->push_back(shardPath);
        }
        const StateDict shard = readWeightsFile(shardPath);
        for (const std::string& key : keys) {
            const auto it = shard.find(key);
            if (it == shard.end()) {
                throw WeightsError(shardPath + ": key " + key + " is missing, but " + indexPath + " places it here");
            }
            out[key] = it->second;
        }
    }
    return out;
}

std::string findComponentWeights(const std::string& dir, const std::string& variant) {
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) {
        throw WeightsError(dir + ": not a folder");
    }
    std::string tried;
    for (const char* base : kWeightNames) {
        const std::string name = withVariant(base, variant);
        const fs::path candidate = fs::path(dir) / name;
        if (fs::is_regular_file(candidate, ec)) {
            return candidate.string();
        }
        tried += (tried.empty() ? "" : ", ") + name;
    }
    if (fs::exists(fs::path(dir) / "model_index.json", ec)) {
        std::string components;
        for (const char* component : kComponentNames) {
            if (fs::is_directory(fs::path(dir) / component, ec)) {
                components += (components.empty() ? "" : ", ") + std::string(component) + "/";
            }
        }
        throw WeightsError(dir + ": a diffusers pipeline folder; open one of its components" +
                           (components.empty() ? std::string() : " (" + components + ")") + " instead");
    }
    throw WeightsError(dir + ": no weights file found (looked for " + tried + ")");
}

// config.json is optional: some component folders (converted checkpoints) ship weights alone, and callers that
// need the config check its keys themselves.
DiffusersComponent loadDiffusersComponent(const std::string& dir, const std::string& variant) {
    DiffusersComponent component;
    component.dir = dir;
    const std::string weights = findComponentWeights(dir, variant);
    const fs::path config = fs::path(dir) / "config.json";
    std::error_code ec;
    if (fs::is_regular_file(config, ec)) {
        component.config = readJsonFile(config.string());
        if (!component.config.is_object()) {
            throw WeightsError(config.string() + ": not a JSON object");
        }
    }
    component.files.push_back(weights);
    if (endsWith(weights, ".json")) {
        component.weights = loadShardedWeights(weights, &component.files);
    } else {
        component.weights = readWeightsFile(weights);
    }
    return component;
}

}  // namespace sm::io

#include "io/weight_map.h"

#include <torch/torch.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <unordered_map>

#include "io/diffusers_folder.h"
#include "io/safetensors.h"
#include "io/torch_checkpoint.h"
#include "runtime/error.h"

namespace sm::io {
namespace fs = std::filesystem;

const char* formatName(WeightsFormat format) {
    switch (format) {
        case WeightsFormat::Safetensors:
            return "safetensors";
        case WeightsFormat::TorchZip:
            return "PyTorch zip checkpoint";
        case WeightsFormat::TorchLegacy:
            return "legacy PyTorch checkpoint";
        case WeightsFormat::ShardIndex:
            return "shard index";
        case WeightsFormat::DiffusersFolder:
            return "diffusers component folder";
        case WeightsFormat::Unknown:
            return "unknown";
    }
    return "unknown";
}

// safetensors is tested first: its 8-byte length may start with 0x80 0x02 like a pickle, but its JSON header
// then starts at byte 8, which neither a zip nor a legacy pickle has.
WeightsFormat detectWeightsFormat(const std::string& path) {
    std::error_code ec;
    const auto status = fs::status(path, ec);
    if (ec || !fs::exists(status)) {
        throw WeightsError(path + ": no such file or folder");
    }
    if (fs::is_directory(status)) {
        return WeightsFormat::DiffusersFolder;
    }
    std::ifstream in(path, std::ios::binary);
    uint8_t head[16] = {};
    in.read(reinterpret_cast<char*>(head), sizeof head);
    const auto n = static_cast<uint64_t>(in.gcount());
    const uint64_t size = fs::file_size(path, ec);
    if (n > 8 && head[8] == '{') {
        uint64_t headerBytes = 0;
        for (int i = 7; i >= 0; --i) {
            headerBytes = (headerBytes << 8) | head[i];
        }
        if (!ec && headerBytes <= size - 8) {
            return WeightsFormat::Safetensors;
        }
    }
    if (n >= 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4) {
        return WeightsFormat::TorchZip;
    }
    if (n >= 2 && head[0] == 0x80 && head[1] >= 2 && head[1] <= 5) {
        return WeightsFormat::TorchLegacy;
    }
    if (fs::path(path).extension() == ".json") {
        return WeightsFormat::ShardIndex;
    }
    return WeightsFormat::Unknown;
}

StateDict openWeights(const std::string& path) {
    switch (detectWeightsFormat(path)) {
        case WeightsFormat::Safetensors:
            return readSafetensors(path);
        case WeightsFormat::TorchZip:
        case WeightsFormat::TorchLegacy:
            return loadTorchCheckpoint(path);
        case WeightsFormat::ShardIndex:
            return loadShardedWeights(path);
        case WeightsFormat::DiffusersFolder:
            return loadDiffusersComponent(path).weights;
        case WeightsFormat::Unknown:
            break;
    }
    // The SafetensorsFile reader gives the most precise message for a damaged safetensors file.
    if (fs::path(path).extension() == ".safetensors") {
        return readSafetensors(path);
    }
    throw WeightsError(path +
                       ": unrecognised weights file (expected safetensors, a torch.save checkpoint, "
                       "a *.index.json shard index or a diffusers component folder)");
}

StateDict withoutPrefixes(const StateDict& dict, const std::vector<std::string>& prefixes) {
    StateDict out;
    for (const auto& [key, tensor] : dict) {
        const bool drop = std::any_of(prefixes.begin(), prefixes.end(),
                                      [&key](const std::string& p) { return key.compare(0, p.size(), p) == 0; });
        if (!drop) {
            out.emplace_hint(out.end(), key, tensor);
        }
    }
    return out;
}

StateDict withoutTrainerState(const StateDict& dict) {
    return withoutPrefixes(dict, {kGradientPrefix, kOptimizerPrefix});
}

StateDict withPrefix(const StateDict& dict, const std::string& prefix) {
    if (prefix.empty()) {
        return dict;
    }
    StateDict out;
    // Keys are sorted, so the prefixed ones form one contiguous range.
    for (auto it = dict.lower_bound(prefix); it != dict.end() && it->first.compare(0, prefix.size(), prefix) == 0;
         ++it) {
        if (it->first.size() > prefix.size()) {
            out.emplace_hint(out.end(), it->first.substr(prefix.size()), it->second);
        }
    }
    return out;
}

StateDict addPrefix(const StateDict& dict, const std::string& prefix) {
    StateDict out;
    for (const auto& [key, tensor] : dict) {
        out.emplace_hint(out.end(), prefix + key, tensor);
    }
    return out;
}

bool hasPrefix(const StateDict& dict, const std::string& prefix) {
    const auto it = dict.lower_bound(prefix);
    return it != dict.end() && it->first.compare(0, prefix.size(), prefix) == 0;
}

std::string describeKeyGroups(const StateDict& dict, size_t maxGroups) {
    std::map<std::string, size_t> counts;
    for (const auto& entry : dict) {
        ++counts[entry.first.substr(0, entry.first.find('.'))];
    }
    std::vector<std::pair<std::string, size_t>> groups(counts.begin(), counts.end());
    std::stable_sort(groups.begin(), groups.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
    std::string out;
    for (size_t i = 0; i < groups.size() && i < maxGroups; ++i) {
        out += (i ? ", " : "") + groups[i].first + " (" + std::to_string(groups[i].second) + ")";
    }
    if (groups.size() > maxGroups) {
        out += ", … " + std::to_string(groups.size() - maxGroups) + " more";
    }
    return out.empty() ? "no keys" : out;
}

std::string emaKeyFor(const std::string& key, const EmaOptions& options) {
    if (key.compare(0, options.modelPrefix.size(), options.modelPrefix) != 0) {
        return {};
    }
    std::string name = key.substr(options.modelPrefix.size());
    name.erase(std::remove(name.begin(), name.end(), '.'), name.end());
    return options.emaPrefix + name;
}

EmaFoldResult foldEma(const StateDict& dict, const EmaOptions& options) {
    EmaFoldResult result;
    // Dropping dots can make two names equal (input_blocks.1.1.x and input_blocks.11.x): such EMA entries
    // cannot be attributed and are not used.
    std::unordered_map<std::string, size_t> users;
    for (const auto& entry : dict) {
        const std::string ema = emaKeyFor(entry.first, options);
        if (!ema.empty()) {
            ++users[ema];
        }
    }
    for (const auto& [key, tensor] : dict) {
        if (!options.emaPrefix.empty() && options.dropEma &&
            key.compare(0, options.emaPrefix.size(), options.emaPrefix) == 0) {
            continue;
        }
        const std::string ema = emaKeyFor(key, options);
        if (ema.empty()) {
            result.weights.emplace_hint(result.weights.end(), key, tensor);
            continue;
        }
        const auto found = dict.find(ema);
        if (found == dict.end()) {
            result.plainKeys.push_back(key);
            result.weights.emplace_hint(result.weights.end(), key, tensor);
        } else if (users[ema] > 1) {
            result.ambiguous.push_back(key);
            result.weights.emplace_hint(result.weights.end(), key, tensor);
        } else {
            if (found->second.sizes() != tensor.sizes()) {
                throw WeightsError("EMA weight " + ema + " has shape " + shapeString(found->second.sizes()) + ", but " +
                                   key + " has " + shapeString(tensor.sizes()));
            }
            ++result.fromEma;
            result.weights.emplace_hint(result.weights.end(), key, found->second);
        }
    }
    return result;
}

// Integer buffers (num_batches_tracked, position_ids) must keep their type: converting them would change
// semantics, not precision.
StateDict toFloatingDtype(const StateDict& dict, torch::Dtype dtype) {
    StateDict out;
    for (const auto& [key, tensor] : dict) {
        out.emplace_hint(out.end(), key, tensor.is_floating_point() ? tensor.to(dtype) : tensor);
    }
    return out;
}

// Config detection fails most often on the wrong file or the wrong prefix; listing the key groups the dict does
// hold tells the user which.
const torch::Tensor& tensorAt(const StateDict& dict, const std::string& key, const std::string& source) {
    const auto it = dict.find(key);
    if (it == dict.end()) {
        throw WeightsError(source + ": key " + key + " not found (the weights hold " + describeKeyGroups(dict) + ")");
    }
    return it->second;
}

std::vector<int64_t> shapeOf(const StateDict& dict, const std::string& key, const std::string& source) {
    return tensorAt(dict, key, source).sizes().vec();
}

int64_t dimOf(const StateDict& dict, const std::string& key, int64_t axis, const std::string& source) {
    const torch::Tensor& tensor = tensorAt(dict, key, source);
    const int64_t rank = tensor.dim();
    const int64_t index = axis < 0 ? axis + rank : axis;
    if (index < 0 || index >= rank) {
        throw WeightsError(source + ": key " + key + " has shape " + shapeString(tensor.sizes()) +
                           ", which has no axis " + std::to_string(axis));
    }
    return tensor.size(index);
}

int64_t countIndexed(const StateDict& dict, const std::string& prefix) {
    int64_t count = 0;
    for (auto it = dict.lower_bound(prefix); it != dict.end() && it->first.compare(0, prefix.size(), prefix) == 0;
         ++it) {
        const size_t begin = prefix.size();
        size_t end = begin;
        int64_t value = 0;
        while (end < it->first.size() && end - begin < 9 && std::isdigit(static_cast<unsigned char>(it->first[end]))) {
            value = value * 10 + (it->first[end] - '0');
            ++end;
        }
        // Only "<prefix>N." or a bare "<prefix>N" counts: "input_blocks.1x" is not an index.
        if (end > begin && (end == it->first.size() || it->first[end] == '.')) {
            count = std::max(count, value + 1);
        }
    }
    return count;
}

}  // namespace sm::io

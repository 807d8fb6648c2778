#include "io/module_loader.h"

#include <torch/torch.h>

#include <map>
#include <set>
#include <sstream>

#include "runtime/error.h"

namespace sm::io {

std::string LoadReport::summary(size_t maxItems) const {
    std::ostringstream out;
    auto list = [&](const char* title, const std::vector<std::string>& keys) {
        if (keys.empty()) {
            return;
        }
        out << keys.size() << ' ' << title << ':';
        for (size_t i = 0; i < keys.size() && i < maxItems; ++i) {
            out << "\n  " << keys[i];
        }
        if (keys.size() > maxItems) {
            out << "\n  ... and " << keys.size() - maxItems << " more";
        }
        out << '\n';
    };
    list("missing keys", missing);
    list("unexpected keys", unexpected);
    list("keys with the wrong shape", mismatched);
    if (!prefixHint.empty()) {
        out << "hint: the file's keys carry the prefix '" << prefixHint
            << "'; select them with sm::io::withPrefix(dict, \"" << prefixHint << "\")\n";
    }
    if (!missingPrefixHint.empty()) {
        out << "hint: the module's keys start with '" << missingPrefixHint
            << "', which the file's keys lack; add it with sm::io::addPrefix\n";
    }
    if (ok()) {
        out << loaded << " tensors loaded";
    }
    return out.str();
}

StateDict moduleStateDict(const torch::nn::Module& module) {
    StateDict out;
    for (const auto& item : module.named_parameters(true)) {
        out[item.key()] = item.value();
    }
    for (const auto& item : module.named_buffers(true)) {
        out[item.key()] = item.value();
    }
    return out;
}

namespace {

// The prefix p with p + missing == unexpected for most pairs: what separates the file's names from the module's.
std::string commonPrefix(const std::vector<std::string>& longer, const std::vector<std::string>& shorter) {
    if (longer.empty() || shorter.empty()) {
        return {};
    }
    const std::set<std::string> targets(shorter.begin(), shorter.end());
    std::map<std::string, size_t> votes;
    for (const std::string& key : longer) {
        for (size_t dot = key.find('.'); dot != std::string::npos; dot = key.find('.', dot + 1)) {
            if (targets.count(key.substr(dot + 1))) {
                ++votes[key.substr(0, dot + 1)];
                break;
            }
        }
    }
    std::string best;
    size_t bestVotes = 0;
    for (const auto& [prefix, count] : votes) {
        if (count > bestVotes) {
            best = prefix;
            bestVotes = count;
        }
    }
    // A prefix explaining a handful of keys is a coincidence, not a layout difference.
    return bestVotes * 2 >= shorter.size() ? best : std::string();
}

void addHints(LoadReport& report) {
    report.prefixHint = commonPrefix(report.unexpected, report.missing);
    if (report.prefixHint.empty()) {
        report.missingPrefixHint = commonPrefix(report.missing, report.unexpected);
    }
}

}  // namespace

LoadReport checkModuleWeights(const torch::nn::Module& module, const StateDict& dict) {
    LoadReport report;
    std::set<std::string> used;
    auto check = [&](const std::string& name, const torch::Tensor& target) {
        const auto it = dict.find(name);
        if (it == dict.end()) {
            report.missing.push_back(name);
            return;
        }
        used.insert(name);
        if (it->second.sizes() != target.sizes()) {
            report.mismatched.push_back(name + ": file " + shapeString(it->second.sizes()) + ", model " +
                                        shapeString(target.sizes()));
            return;
        }
        ++report.loaded;
    };
    for (const auto& item : module.named_parameters(true)) {
        check(item.key(), item.value());
    }
    for (const auto& item : module.named_buffers(true)) {
        check(item.key(), item.value());
    }
    for (const auto& entry : dict) {
        if (!used.count(entry.first)) {
            report.unexpected.push_back(entry.first);
        }
    }
    addHints(report);
    return report;
}

LoadReport loadModuleWeights(torch::nn::Module& module, const StateDict& dict, const std::string& source,
                             const LoadOptions& options) {
    torch::NoGradGuard noGrad;
    LoadReport report;
    std::set<std::string> used;
    auto assign = [&](const std::string& name, torch::Tensor& target) {
        const auto it = dict.find(name);
        if (it == dict.end()) {
            report.missing.push_back(name);
            return;
        }
        used.insert(name);
        const torch::Tensor& src = it->second;
        if (src.sizes() != target.sizes()) {
            report.mismatched.push_back(name + ": file " + shapeString(src.sizes()) + ", model " +
                                        shapeString(target.sizes()));
            return;
        }
        const auto dtype = target.is_floating_point() ? options.dtype : target.scalar_type();
        torch::Tensor value = src.to(torch::kCPU, dtype).contiguous();
        if (target.device().is_meta() || target.device().is_cpu()) {
            target.set_data(value);
        } else {
            target.copy_(value);
        }
        ++report.loaded;
    };
    for (auto& item : module.named_parameters(true)) {
        assign(item.key(), item.value());
    }
    for (auto& item : module.named_buffers(true)) {
        assign(item.key(), item.value());
    }
    for (const auto& [name, tensor] : dict) {
        if (!used.count(name)) {
            report.unexpected.push_back(name);
        }
    }
    addHints(report);
    const bool acceptable =
        report.missing.empty() && report.mismatched.empty() && (options.ignoreUnexpected || report.unexpected.empty());
    if (options.strict && !acceptable) {
        throw WeightsError(source + ": weights do not match the model:\n" + report.summary());
    }
    return report;
}

}  // namespace sm::io

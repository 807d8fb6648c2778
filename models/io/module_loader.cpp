#include "io/module_loader.h"

#include <torch/torch.h>

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
    const bool acceptable = report.missing.empty() && report.mismatched.empty() &&
                            (options.ignoreUnexpected || report.unexpected.empty());
    if (options.strict && !acceptable) {
        throw WeightsError(source + ": weights do not match the model:\n" + report.summary());
    }
    return report;
}

}  // namespace sm::io

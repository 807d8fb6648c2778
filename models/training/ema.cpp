#include "training/ema.h"

#include <torch/torch.h>

#include <algorithm>
#include <set>

#include "runtime/error.h"

namespace sm::training {

double litEmaDecay(int64_t n, double maxDecay) {
    return std::min(maxDecay, (1.0 + static_cast<double>(n)) / (10.0 + static_cast<double>(n)));
}

EmaTracker::EmaTracker(std::vector<std::pair<std::string, torch::Tensor>> params, double maxDecay,
                       std::string emaPrefix)
    : m_maxDecay(maxDecay), m_prefix(std::move(emaPrefix)) {
    torch::NoGradGuard noGrad;
    std::set<std::string> seen;
    for (auto& [key, param] : params) {
        if (!seen.insert(key).second) {
            throw ArgumentError("EMA: two parameters map to the shadow name " + key);
        }
        m_entries.push_back({key, param, param.detach().clone()});
    }
}

void EmaTracker::update() {
    torch::NoGradGuard noGrad;
    ++m_numUpdates;
    const double oneMinusDecay = 1.0 - litEmaDecay(m_numUpdates, m_maxDecay);
    for (Entry& e : m_entries) {
        // LitEma: shadow.sub_(one_minus_decay * (shadow - param)), in the parameter's dtype.
        if (e.shadow.scalar_type() != e.param.scalar_type() || e.shadow.device() != e.param.device()) {
            e.shadow = e.shadow.to(e.param.device(), e.param.scalar_type());
        }
        e.shadow.sub_((e.shadow - e.param) * oneMinusDecay);
    }
}

const torch::Tensor& EmaTracker::shadow(const std::string& emaKey) const {
    for (const Entry& e : m_entries) {
        if (e.key == emaKey) {
            return e.shadow;
        }
    }
    throw ArgumentError("EMA: no shadow named " + emaKey);
}

void EmaTracker::save(io::StateDict& out, bool cloneToCpu) const {
    for (const Entry& e : m_entries) {
        out[e.key] = cloneToCpu ? e.shadow.detach().to(torch::kCPU).clone() : e.shadow.detach();
    }
    out[m_prefix + "decay"] = torch::tensor(static_cast<float>(m_maxDecay), torch::kFloat32);
    out[m_prefix + "num_updates"] = torch::tensor(static_cast<int32_t>(m_numUpdates), torch::kInt32);
}

void EmaTracker::load(const io::StateDict& dict, const std::string& source) {
    torch::NoGradGuard noGrad;
    const auto updates = dict.find(m_prefix + "num_updates");
    if (updates == dict.end()) {
        throw WeightsError(source + ": key " + m_prefix + "num_updates is missing (not a checkpoint with an EMA)");
    }
    for (Entry& e : m_entries) {
        const auto found = dict.find(e.key);
        if (found == dict.end()) {
            throw WeightsError(source + ": EMA key " + e.key + " is missing");
        }
        if (found->second.sizes() != e.shadow.sizes()) {
            throw WeightsError(source + ": EMA key " + e.key + " has shape " + io::shapeString(found->second.sizes()) +
                               ", expected " + io::shapeString(e.shadow.sizes()));
        }
        e.shadow = found->second.to(e.param.device(), e.param.scalar_type()).clone();
    }
    m_numUpdates = updates->second.to(torch::kCPU, torch::kLong).item<int64_t>();
}

}  // namespace sm::training

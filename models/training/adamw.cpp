#include "training/adamw.h"

#include <torch/torch.h>

#include <cmath>
#include <set>

#include "runtime/error.h"

namespace sm::training {

AdamW::AdamW(std::vector<std::pair<std::string, torch::Tensor>> params, AdamWOptions options)
    : m_params(std::move(params)), m_state(m_params.size()), m_options(options) {
    if (options.beta1 < 0.0 || options.beta1 >= 1.0 || options.beta2 < 0.0 || options.beta2 >= 1.0) {
        throw ArgumentError("AdamW: betas must lie in [0, 1), got " + std::to_string(options.beta1) + ", " +
                            std::to_string(options.beta2));
    }
    std::set<std::string> seen;
    for (const auto& entry : m_params) {
        if (!seen.insert(entry.first).second) {
            throw ArgumentError("AdamW: parameter " + entry.first + " is listed twice");
        }
    }
}

void AdamW::step(double lr) {
    torch::NoGradGuard noGrad;
    const double beta1 = m_options.beta1;
    const double beta2 = m_options.beta2;
    for (size_t i = 0; i < m_params.size(); ++i) {
        torch::Tensor& param = m_params[i].second;
        const torch::Tensor& grad = param.grad();
        if (!grad.defined()) {
            continue;
        }
        State& state = m_state[i];
        if (!state.expAvg.defined()) {
            state.expAvg = torch::zeros_like(param);
            state.expAvgSq = torch::zeros_like(param);
        }
        state.step += 1;
        param.mul_(1.0 - lr * m_options.weightDecay);
        // lerp_(grad, 1 - β1) is torch 2.x's spelling; mul/add is 1.13's. Both round the same way in float32
        // up to the last bit, and neither is visible at training scale; we use one form for reproducibility.
        state.expAvg.mul_(beta1).add_(grad, 1.0 - beta1);
        state.expAvgSq.mul_(beta2).addcmul_(grad, grad, 1.0 - beta2);
        const double step = static_cast<double>(state.step);
        const double biasCorrection1 = 1.0 - std::pow(beta1, step);
        const double biasCorrection2 = 1.0 - std::pow(beta2, step);
        const double stepSize = lr / biasCorrection1;
        const torch::Tensor denom = (state.expAvgSq.sqrt() / std::sqrt(biasCorrection2)).add_(m_options.eps);
        param.addcdiv_(state.expAvg, denom, -stepSize);
    }
}

void AdamW::zeroGrad() {
    for (auto& entry : m_params) {
        entry.second.mutable_grad() = torch::Tensor();
    }
}

int64_t AdamW::stepCount(const std::string& name) const {
    for (size_t i = 0; i < m_params.size(); ++i) {
        if (m_params[i].first == name) {
            return m_state[i].step;
        }
    }
    throw ArgumentError("AdamW: no parameter named " + name);
}

void AdamW::save(io::StateDict& out, const std::string& prefix) const {
    for (size_t i = 0; i < m_params.size(); ++i) {
        const State& state = m_state[i];
        if (!state.expAvg.defined()) {
            continue;
        }
        const std::string base = prefix + m_params[i].first;
        out[base + ".exp_avg"] = state.expAvg.detach().to(torch::kCPU).clone();
        out[base + ".exp_avg_sq"] = state.expAvgSq.detach().to(torch::kCPU).clone();
        out[base + ".step"] = torch::tensor(state.step, torch::kLong);
    }
}

void AdamW::load(const io::StateDict& dict, const std::string& source, const std::string& prefix) {
    for (size_t i = 0; i < m_params.size(); ++i) {
        const torch::Tensor& param = m_params[i].second;
        const std::string base = prefix + m_params[i].first;
        State state;
        const auto avg = dict.find(base + ".exp_avg");
        const auto avgSq = dict.find(base + ".exp_avg_sq");
        const auto step = dict.find(base + ".step");
        const int present = (avg != dict.end()) + (avgSq != dict.end()) + (step != dict.end());
        if (present != 0 && present != 3) {
            throw WeightsError(source + ": optimizer state of " + m_params[i].first +
                               " is incomplete (needs .exp_avg, .exp_avg_sq and .step)");
        }
        if (present == 3) {
            for (const auto& it : {avg, avgSq}) {
                if (it->second.sizes() != param.sizes()) {
                    throw WeightsError(source + ": key " + it->first + " has shape " +
                                       io::shapeString(it->second.sizes()) + ", expected " +
                                       io::shapeString(param.sizes()));
                }
            }
            state.expAvg = avg->second.to(param.device(), param.scalar_type()).clone();
            state.expAvgSq = avgSq->second.to(param.device(), param.scalar_type()).clone();
            state.step = step->second.to(torch::kCPU, torch::kLong).item<int64_t>();
        }
        m_state[i] = std::move(state);
    }
}

}  // namespace sm::training

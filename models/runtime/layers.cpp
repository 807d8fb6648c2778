#include "runtime/layers.h"

#include <torch/torch.h>

#include <cmath>

namespace sm {
namespace {

thread_local ParameterInit t_init = ParameterInit::Uninitialized;

bool randomInit() { return t_init == ParameterInit::Random; }

}  // namespace

ParameterInit currentParameterInit() { return t_init; }

ParameterInitScope::ParameterInitScope(ParameterInit init) : m_previous(t_init) { t_init = init; }

ParameterInitScope::~ParameterInitScope() { t_init = m_previous; }

torch::Tensor newParameterTensor(at::IntArrayRef shape, torch::Dtype dtype) {
    const auto device = t_init == ParameterInit::Meta ? torch::Device(torch::kMeta) : torch::Device(torch::kCPU);
    return torch::empty(shape, torch::TensorOptions().dtype(dtype).device(device));
}

void defaultInitWeight(torch::Tensor& weight, int64_t fanIn) {
    torch::NoGradGuard noGrad;
    const double bound = fanIn > 0 ? 1.0 / std::sqrt(static_cast<double>(fanIn)) : 0.0;
    weight.uniform_(-bound, bound);
}

void defaultInitBias(torch::Tensor& bias, int64_t fanIn) { defaultInitWeight(bias, fanIn); }

namespace {

// Registers weight (and bias when wanted) and applies PyTorch's default init when asked.
void makeWeightAndBias(torch::nn::Module& m, torch::Tensor& weight, torch::Tensor& bias, at::IntArrayRef shape,
                       int64_t biasSize, int64_t fanIn, bool withBias) {
    weight = m.register_parameter("weight", newParameterTensor(shape));
    if (withBias) {
        bias = m.register_parameter("bias", newParameterTensor({biasSize}));
    }
    if (randomInit()) {
        defaultInitWeight(weight, fanIn);
        if (withBias) {
            defaultInitBias(bias, fanIn);
        }
    }
}

void makeAffine(torch::nn::Module& m, torch::Tensor& weight, torch::Tensor& bias, at::IntArrayRef shape) {
    weight = m.register_parameter("weight", newParameterTensor(shape));
    bias = m.register_parameter("bias", newParameterTensor(shape));
    if (t_init != ParameterInit::Meta) {
        // Norm layers start at identity whatever the mode: cheap, and correct if a checkpoint lacks them.
        torch::NoGradGuard noGrad;
        weight.fill_(1.0);
        bias.zero_();
    }
}

}  // namespace

Conv2dImpl::Conv2dImpl(int64_t in, int64_t out, int64_t kernel, int64_t stride, int64_t padding, bool withBias)
    : stride(stride), padding(padding) {
    makeWeightAndBias(*this, weight, bias, {out, in, kernel, kernel}, out, in * kernel * kernel, withBias);
}

torch::Tensor Conv2dImpl::forward(const torch::Tensor& x) {
    return torch::conv2d(x, weight, bias, {stride, stride}, {padding, padding});
}

ConvTranspose2dImpl::ConvTranspose2dImpl(int64_t in, int64_t out, int64_t kernel, int64_t stride, int64_t padding,
                                         bool withBias)
    : stride(stride), padding(padding) {
    // PyTorch computes fan-in from weight.size(1) * k * k for transposed convs ([in, out, k, k]).
    makeWeightAndBias(*this, weight, bias, {in, out, kernel, kernel}, out, out * kernel * kernel, withBias);
}

torch::Tensor ConvTranspose2dImpl::forward(const torch::Tensor& x) {
    return torch::conv_transpose2d(x, weight, bias, {stride, stride}, {padding, padding});
}

Conv3dImpl::Conv3dImpl(int64_t in, int64_t out, std::vector<int64_t> kernel, std::vector<int64_t> pad, bool withBias)
    : padding(std::move(pad)) {
    makeWeightAndBias(*this, weight, bias, {out, in, kernel[0], kernel[1], kernel[2]}, out,
                      in * kernel[0] * kernel[1] * kernel[2], withBias);
}

torch::Tensor Conv3dImpl::forward(const torch::Tensor& x) { return torch::conv3d(x, weight, bias, 1, padding); }

Conv1dImpl::Conv1dImpl(int64_t in, int64_t out, int64_t kernel, int64_t stride, int64_t padding, bool withBias)
    : stride(stride), padding(padding) {
    makeWeightAndBias(*this, weight, bias, {out, in, kernel}, out, in * kernel, withBias);
}

torch::Tensor Conv1dImpl::forward(const torch::Tensor& x) { return torch::conv1d(x, weight, bias, stride, padding); }

LinearImpl::LinearImpl(int64_t in, int64_t out, bool withBias) {
    makeWeightAndBias(*this, weight, bias, {out, in}, out, in, withBias);
}

torch::Tensor LinearImpl::forward(const torch::Tensor& x) { return torch::linear(x, weight, bias); }

GroupNormImpl::GroupNormImpl(int64_t groups, int64_t channels, double eps, bool affine) : groups(groups), eps(eps) {
    if (affine) {
        makeAffine(*this, weight, bias, {channels});
    }
}

torch::Tensor GroupNormImpl::forward(const torch::Tensor& x) { return torch::group_norm(x, groups, weight, bias, eps); }

LayerNormImpl::LayerNormImpl(std::vector<int64_t> normalizedShape, double eps, bool affine)
    : shape(std::move(normalizedShape)), eps(eps) {
    if (affine) {
        makeAffine(*this, weight, bias, shape);
    }
}

torch::Tensor LayerNormImpl::forward(const torch::Tensor& x) { return torch::layer_norm(x, shape, weight, bias, eps); }

BatchNorm2dImpl::BatchNorm2dImpl(int64_t channels, double eps, double momentum) : eps(eps), momentum(momentum) {
    makeAffine(*this, weight, bias, {channels});
    running_mean = register_buffer("running_mean", newParameterTensor({channels}));
    running_var = register_buffer("running_var", newParameterTensor({channels}));
    num_batches_tracked = register_buffer("num_batches_tracked", newParameterTensor({}, torch::kInt64));
    if (currentParameterInit() != ParameterInit::Meta) {
        torch::NoGradGuard noGrad;
        running_mean.zero_();
        running_var.fill_(1.0);
        num_batches_tracked.zero_();
    }
}

torch::Tensor BatchNorm2dImpl::forward(const torch::Tensor& x) {
    if (is_training()) {
        torch::NoGradGuard noGrad;
        num_batches_tracked.add_(1);
    }
    return torch::batch_norm(x, weight, bias, running_mean, running_var, is_training(), momentum, eps,
                             /*cudnn_enabled=*/true);
}

EmbeddingImpl::EmbeddingImpl(int64_t count, int64_t dim) {
    weight = register_parameter("weight", newParameterTensor({count, dim}));
    if (randomInit()) {
        torch::NoGradGuard noGrad;
        weight.normal_(0.0, 1.0);
    }
}

torch::Tensor EmbeddingImpl::forward(const torch::Tensor& indices) { return torch::embedding(weight, indices); }

}  // namespace sm

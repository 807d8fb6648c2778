#include "sampling/noise.h"

#include <ATen/CPUGeneratorImpl.h>
#include <ATen/Context.h>
#include <torch/cuda.h>
#include <torch/torch.h>

#include <string>

#include "runtime/error.h"

namespace sm::sampling {

at::Generator makeCpuGenerator(uint64_t seed) {
    // A new CPUGeneratorImpl(seed) equals the default generator right after manual_seed(seed): same mt19937
    // state and no cached Box-Muller sample.
    return at::detail::createCPUGenerator(seed);
}

at::Generator makeCudaGenerator(uint64_t seed, int index) {
    if (!torch::cuda::is_available() || index < 0 || index >= static_cast<int>(torch::cuda::device_count())) {
        throw ArgumentError("CUDA generator for device " + std::to_string(index) + " requested, but " +
                            std::to_string(torch::cuda::device_count()) + " CUDA device(s) are available");
    }
    // Through the global context (CUDA hooks) so this file links against CPU-only LibTorch builds too; clone()
    // gives an independent generator and leaves the default one untouched.
    at::Generator generator =
        at::globalContext().defaultGenerator(at::Device(at::kCUDA, static_cast<c10::DeviceIndex>(index))).clone();
    generator.set_current_seed(seed);
    return generator;
}

torch::Tensor randnLike(const torch::Tensor& x, at::Generator& generator) {
    // randn_like is empty_like(x).normal_(0, 1): filling in x's memory layout keeps the element order of the
    // reference for channels-last tensors as well.
    torch::Tensor noise = at::empty_like(x, x.options().device(generator.device()).requires_grad(false));
    noise.normal_(0.0, 1.0, generator);
    return noise.device() == x.device() ? noise : noise.to(x.device());
}

torch::Tensor randn(at::IntArrayRef sizes, at::Generator& generator, torch::Dtype dtype, torch::Device device) {
    torch::Tensor noise = at::randn(sizes, generator, torch::TensorOptions().dtype(dtype).device(generator.device()));
    return noise.device() == device ? noise : noise.to(device);
}

}  // namespace sm::sampling

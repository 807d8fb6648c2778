#pragma once
// Gaussian noise drawn exactly as the Python references draw it, from an explicit generator.
//
// PyTorch's randn / randn_like are `empty(...).normal_(0, 1, generator)`; the CPU generator is an mt19937 whose
// normal kernel is deterministic for a given seed, dtype and element count. So for a CPU generator seeded with s,
//   sm::sampling::randnLike(x, gen)   ==  torch.manual_seed(s); torch.randn_like(x)     (bit for bit)
// and successive calls continue the same sequence. CUDA generators are reproducible among themselves but give
// different numbers than the CPU one (the original demos drew on CUDA; see the golden README).
//
// Thread-safety: drawing locks the generator's mutex (as PyTorch does); sharing one generator between threads is
// safe but makes the sequence order-dependent. Give each job its own generator.
#include <ATen/core/Generator.h>
#include <torch/types.h>

#include <cstdint>

namespace sm::sampling {

/// A fresh CPU generator in the state `torch.manual_seed(seed)` leaves the default CPU generator in.
at::Generator makeCpuGenerator(uint64_t seed);

/// A CUDA generator for device `index`, seeded like `torch.cuda.manual_seed(seed)`. Throws sm::ArgumentError when
/// CUDA is not available.
at::Generator makeCudaGenerator(uint64_t seed, int index = 0);

/// randn_like(x) drawn from `generator`: same sizes, strides (memory format) and dtype as x. The numbers are drawn
/// on the generator's device and moved to x's device when they differ, like diffusers' randn_tensor (a CPU
/// generator gives CPU-reproducible noise for a CUDA latent).
torch::Tensor randnLike(const torch::Tensor& x, at::Generator& generator);

/// randn(sizes) in `dtype` drawn from `generator` and placed on `device` (drawn on the generator's device).
torch::Tensor randn(at::IntArrayRef sizes, at::Generator& generator, torch::Dtype dtype = torch::kFloat32,
                    torch::Device device = torch::kCPU);

}  // namespace sm::sampling

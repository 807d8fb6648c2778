#pragma once
// Thin layers with PyTorch's parameter names ("weight", "bias", "running_mean", ...), built without wasted
// initialisation. Every model in models/ is assembled from these so that
//  - loading is a name lookup (register_module with the upstream key names),
//  - a full-size tree can be built on the meta device to check key/shape manifests without allocating weights,
//  - weights that will be overwritten by a checkpoint are never randomly initialised (loading 900M params fast).
//
// How parameters are created is set per thread with a ParameterInit scope:
//   { sm::ParameterInitScope scope(sm::ParameterInit::Meta); UNet unet(config); }   // shapes only
//   { sm::ParameterInitScope scope(sm::ParameterInit::Random); FlowNet net; }       // PyTorch default init
// The default is ParameterInit::Uninitialized (torch::empty on the CPU): the caller loads weights next.
#include <torch/nn/module.h>
#include <torch/nn/pimpl.h>
#include <torch/types.h>

#include <vector>

namespace sm {

enum class ParameterInit {
    Uninitialized,  // torch::empty on CPU: weights are loaded right after construction
    Random,         // PyTorch's default initialisation of each layer type (training from scratch)
    Meta,           // meta device: shapes and names only, no memory
};

/// The init mode of the calling thread.
ParameterInit currentParameterInit();

/// Sets the calling thread's init mode for the lifetime of the scope (nests).
class ParameterInitScope {
public:
    explicit ParameterInitScope(ParameterInit init);
    ~ParameterInitScope();
    ParameterInitScope(const ParameterInitScope&) = delete;
    ParameterInitScope& operator=(const ParameterInitScope&) = delete;

private:
    ParameterInit m_previous;
};

/// An empty tensor of `shape` on the device the current init mode implies (CPU float32 or meta).
torch::Tensor newParameterTensor(at::IntArrayRef shape, torch::Dtype dtype = torch::kFloat32);

/// PyTorch's default init for a weight with the given fan-in: kaiming_uniform(a=sqrt(5)) == U(-1/sqrt(fan_in), ...).
void defaultInitWeight(torch::Tensor& weight, int64_t fanIn);
void defaultInitBias(torch::Tensor& bias, int64_t fanIn);

// ---------------------------------------------------------------------------------------------------------------
struct Conv2dImpl : torch::nn::Module {
    Conv2dImpl(int64_t in, int64_t out, int64_t kernel, int64_t stride = 1, int64_t padding = 0, bool bias = true);
    torch::Tensor forward(const torch::Tensor& x);  // [B, in, H, W] -> [B, out, H', W']
    torch::Tensor weight, bias;                    // [out, in, k, k], [out]
    int64_t stride, padding;
};
TORCH_MODULE(Conv2d);

/// ConvTranspose2d weight layout is [in, out, k, k] like PyTorch's.
struct ConvTranspose2dImpl : torch::nn::Module {
    ConvTranspose2dImpl(int64_t in, int64_t out, int64_t kernel, int64_t stride, int64_t padding, bool bias = true);
    torch::Tensor forward(const torch::Tensor& x);
    torch::Tensor weight, bias;
    int64_t stride, padding;
};
TORCH_MODULE(ConvTranspose2d);

/// Conv3d with a (kt, kh, kw) kernel and matching padding; used by the SVD temporal decoder.
struct Conv3dImpl : torch::nn::Module {
    Conv3dImpl(int64_t in, int64_t out, std::vector<int64_t> kernel, std::vector<int64_t> padding, bool bias = true);
    torch::Tensor forward(const torch::Tensor& x);  // [B, in, F, H, W]
    torch::Tensor weight, bias;
    std::vector<int64_t> padding;
};
TORCH_MODULE(Conv3d);

struct Conv1dImpl : torch::nn::Module {
    Conv1dImpl(int64_t in, int64_t out, int64_t kernel, int64_t stride = 1, int64_t padding = 0, bool bias = true);
    torch::Tensor forward(const torch::Tensor& x);  // [B, in, L]
    torch::Tensor weight, bias;
    int64_t stride, padding;
};
TORCH_MODULE(Conv1d);

struct LinearImpl : torch::nn::Module {
    LinearImpl(int64_t in, int64_t out, bool bias = true);
    torch::Tensor forward(const torch::Tensor& x);  // [..., in] -> [..., out]
    torch::Tensor weight, bias;                    // [out, in], [out]
};
TORCH_MODULE(Linear);

struct GroupNormImpl : torch::nn::Module {
    GroupNormImpl(int64_t groups, int64_t channels, double eps = 1e-5, bool affine = true);
    torch::Tensor forward(const torch::Tensor& x);  // [B, C, *]: statistics over (C/groups, *)
    torch::Tensor weight, bias;
    int64_t groups;
    double eps;
};
TORCH_MODULE(GroupNorm);

/// LayerNorm over the trailing `shape` dims (weight and bias have that shape).
struct LayerNormImpl : torch::nn::Module {
    LayerNormImpl(std::vector<int64_t> shape, double eps = 1e-5, bool affine = true);
    torch::Tensor forward(const torch::Tensor& x);
    torch::Tensor weight, bias;
    std::vector<int64_t> shape;
    double eps;
};
TORCH_MODULE(LayerNorm);

/// BatchNorm2d in inference form (running statistics); `train(true)` uses batch statistics and updates them.
struct BatchNorm2dImpl : torch::nn::Module {
    explicit BatchNorm2dImpl(int64_t channels, double eps = 1e-5, double momentum = 0.1);
    torch::Tensor forward(const torch::Tensor& x);
    torch::Tensor weight, bias, running_mean, running_var, num_batches_tracked;
    double eps, momentum;
};
TORCH_MODULE(BatchNorm2d);

struct EmbeddingImpl : torch::nn::Module {
    EmbeddingImpl(int64_t count, int64_t dim);
    torch::Tensor forward(const torch::Tensor& indices);  // int64 [...] -> [..., dim]
    torch::Tensor weight;                                 // [count, dim]
};
TORCH_MODULE(Embedding);

}  // namespace sm

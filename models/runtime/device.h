#pragma once
// Device, precision and thread settings of the engine, and the one place that knows how LibTorch 1.13 and 2.x
// spell autocast.
//
// The references run on CUDA in half precision: Pix2Gif's demo under autocast("cuda") (fp32 weights, fp16
// matmuls/convs), Cinemo with fp16 weights (use_fp16). The golden vectors are CPU float32. So:
//   - CPU:  Float32 (the default); BFloat16 on request (Float16 is refused: CPU half kernels are incomplete).
//   - CUDA: the caller's reference precision, Float16 unless asked otherwise; Float32 for parity runs.
// selectComputeTarget() decides once per job; models are moved with `module->to(target.device, target.dtype)` or
// run in float32 weights under an AutocastScope, as the reference did.
#include <torch/types.h>

#include <optional>
#include <string>

namespace sm {

enum class Precision { Float32, Float16, BFloat16 };

/// The tensor dtype of a precision.
torch::Dtype toDtype(Precision precision);

/// "float32"/"fp32", "float16"/"fp16"/"half", "bfloat16"/"bf16" (case-insensitive). Throws sm::ArgumentError.
Precision parsePrecision(const std::string& name);

/// "float32", "float16", "bfloat16".
std::string precisionName(Precision precision);

enum class DeviceKind { Auto, Cpu, Cuda };

/// What the user (settings) asked for.
struct DeviceRequest {
    DeviceKind kind = DeviceKind::Auto;          // Auto: CUDA when available, else CPU
    int cudaIndex = 0;                           // CUDA device ordinal
    std::optional<Precision> precision;          // unset: Float32 on CPU, cudaDefault on CUDA
    Precision cudaDefault = Precision::Float16;  // the reference's CUDA precision for this model
    bool autocast = false;  // CUDA: keep float32 weights and run matmuls/convs in the low precision (Pix2Gif demo)
};

/// Where and how to run a model.
struct ComputeTarget {
    torch::Device device = torch::kCPU;
    Precision precision = Precision::Float32;
    bool autocast = false;  // true: weights stay float32 (`weightDtype()`), wrap calls in an AutocastScope

    bool isCuda() const { return device.is_cuda(); }
    /// Low-precision activations dtype (the autocast dtype, or the weights' dtype without autocast).
    torch::Dtype computeDtype() const { return toDtype(precision); }
    /// The dtype to cast weights to: float32 under autocast, else computeDtype().
    torch::Dtype weightDtype() const { return autocast ? torch::kFloat32 : computeDtype(); }
    /// TensorOptions for inputs/latents created for this target (weightDtype on device).
    torch::TensorOptions options() const;
    /// "cuda:0 float16 (autocast)" etc., for logs and the UI.
    std::string describe() const;
};

/// True when this LibTorch build has CUDA and at least one device is visible.
bool cudaAvailable();

/// Resolves a request against the machine (pure apart from the CUDA query). Throws sm::ArgumentError when CUDA is
/// requested but unavailable / the index is out of range, or Float16 is requested on the CPU.
/// Autocast is only honoured on CUDA with a precision below float32; otherwise it is false in the result.
ComputeTarget selectComputeTarget(const DeviceRequest& request);

/// The pure part of selectComputeTarget, with the CUDA device count given (used by tests and by the bridge when
/// it already knows the count).
ComputeTarget resolveComputeTarget(const DeviceRequest& request, int cudaDeviceCount);

/// Scoped CUDA autocast like `with torch.autocast("cuda", dtype=...)`: enables autocast for the target's precision
/// on the calling thread and restores the previous state (and clears the cast cache when leaving the outermost
/// scope). A no-op unless target.autocast is true. Not movable; nest freely.
class AutocastScope {
public:
    explicit AutocastScope(const ComputeTarget& target);
    ~AutocastScope();
    AutocastScope(const AutocastScope&) = delete;
    AutocastScope& operator=(const AutocastScope&) = delete;

    bool active() const { return m_active; }

private:
    bool m_active = false;
    bool m_previousEnabled = false;
    torch::Dtype m_previousDtype = torch::kFloat16;
};

/// Whether CUDA autocast is enabled on the calling thread (version-independent).
bool cudaAutocastEnabled();

/// Sets LibTorch's intra-op thread count (torch::set_num_threads); 0 = all cores (hardware_concurrency, at least
/// 1). The first call also sets the inter-op pool to the same size; LibTorch allows that only once and before any
/// inter-op work, so later calls (or a too-late first call) leave it as it is and log at Debug level.
/// Returns the intra-op count now in effect. Throws sm::ArgumentError for threads < 0. Thread-safe.
/// With OpenMP builds the intra-op count is a per-thread setting: call this on the thread that runs the models,
/// or call initComputeThread() first thing on each worker thread started afterwards.
int applyThreadCount(int threads);

/// Makes the calling thread use the count last set by applyThreadCount (at::init_num_threads). Call once at the
/// start of a worker thread (e.g. a QThread's run()).
void initComputeThread();

}  // namespace sm

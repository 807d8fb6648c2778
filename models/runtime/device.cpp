#include "runtime/device.h"

#include <ATen/Parallel.h>
#include <ATen/autocast_mode.h>
#include <torch/cuda.h>
#include <torch/torch.h>
#include <torch/version.h>

#include <algorithm>
#include <cctype>
#include <mutex>
#include <thread>

#include "runtime/error.h"
#include "runtime/log.h"

// LibTorch 2.4 replaced the CUDA-only autocast calls with per-device-type ones (the old names are deprecated).
#if TORCH_VERSION_MAJOR > 2 || (TORCH_VERSION_MAJOR == 2 && TORCH_VERSION_MINOR >= 4)
#define SM_AUTOCAST_PER_DEVICE 1
#else
#define SM_AUTOCAST_PER_DEVICE 0
#endif

namespace sm {
namespace {

bool autocastEnabled() {
#if SM_AUTOCAST_PER_DEVICE
    return at::autocast::is_autocast_enabled(at::kCUDA);
#else
    return at::autocast::is_enabled();
#endif
}

void setAutocastEnabled(bool enabled) {
#if SM_AUTOCAST_PER_DEVICE
    at::autocast::set_autocast_enabled(at::kCUDA, enabled);
#else
    at::autocast::set_enabled(enabled);
#endif
}

torch::Dtype autocastDtype() {
#if SM_AUTOCAST_PER_DEVICE
    return at::autocast::get_autocast_dtype(at::kCUDA);
#else
    return at::autocast::get_autocast_gpu_dtype();
#endif
}

void setAutocastDtype(torch::Dtype dtype) {
#if SM_AUTOCAST_PER_DEVICE
    at::autocast::set_autocast_dtype(at::kCUDA, dtype);
#else
    at::autocast::set_autocast_gpu_dtype(dtype);
#endif
}

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

}  // namespace

torch::Dtype toDtype(Precision precision) {
    switch (precision) {
        case Precision::Float32:
            return torch::kFloat32;
        case Precision::Float16:
            return torch::kFloat16;
        case Precision::BFloat16:
            return torch::kBFloat16;
    }
    return torch::kFloat32;
}

Precision parsePrecision(const std::string& name) {
    const std::string n = lower(name);
    if (n == "float32" || n == "fp32" || n == "float") {
        return Precision::Float32;
    }
    if (n == "float16" || n == "fp16" || n == "half") {
        return Precision::Float16;
    }
    if (n == "bfloat16" || n == "bf16") {
        return Precision::BFloat16;
    }
    throw ArgumentError("precision \"" + name + "\" is not known, expected float32, float16 or bfloat16");
}

std::string precisionName(Precision precision) {
    switch (precision) {
        case Precision::Float32:
            return "float32";
        case Precision::Float16:
            return "float16";
        case Precision::BFloat16:
            return "bfloat16";
    }
    return "float32";
}

torch::TensorOptions ComputeTarget::options() const {
    return torch::TensorOptions().device(device).dtype(weightDtype());
}

std::string ComputeTarget::describe() const {
    return device.str() + " " + precisionName(precision) + (autocast ? " (autocast)" : "");
}

bool cudaAvailable() {
    return torch::cuda::is_available();
}

ComputeTarget resolveComputeTarget(const DeviceRequest& request, int cudaDeviceCount) {
    bool useCuda = false;
    switch (request.kind) {
        case DeviceKind::Auto:
            useCuda = cudaDeviceCount > 0;
            break;
        case DeviceKind::Cpu:
            useCuda = false;
            break;
        case DeviceKind::Cuda:
            if (cudaDeviceCount <= 0) {
                throw ArgumentError("CUDA was requested, but this build or machine has no CUDA device");
            }
            useCuda = true;
            break;
    }
    if (useCuda && (request.cudaIndex < 0 || request.cudaIndex >= cudaDeviceCount)) {
        throw ArgumentError("CUDA device " + std::to_string(request.cudaIndex) + " was requested, but only " +
                            std::to_string(cudaDeviceCount) + " device(s) exist");
    }

    ComputeTarget target;
    target.device = useCuda ? torch::Device(torch::kCUDA, static_cast<c10::DeviceIndex>(request.cudaIndex))
                            : torch::Device(torch::kCPU);
    target.precision = request.precision.value_or(useCuda ? request.cudaDefault : Precision::Float32);
    if (!useCuda && target.precision == Precision::Float16) {
        if (request.kind == DeviceKind::Cpu) {
            throw ArgumentError("float16 is not supported on the CPU; choose float32 or bfloat16");
        }
        // Auto fell back to the CPU: a half-precision preference meant "fast on the GPU", not "half on the CPU".
        log(LogLevel::Warning, "no CUDA device: running in float32 on the CPU instead of float16");
        target.precision = Precision::Float32;
    }
    // Autocast to float32 would be a no-op, and CPU autocast (bfloat16) is not what either reference used.
    target.autocast = useCuda && request.autocast && target.precision != Precision::Float32;
    return target;
}

ComputeTarget selectComputeTarget(const DeviceRequest& request) {
    const int count = cudaAvailable() ? static_cast<int>(torch::cuda::device_count()) : 0;
    return resolveComputeTarget(request, count);
}

AutocastScope::AutocastScope(const ComputeTarget& target) {
    if (!target.autocast || !target.isCuda()) {
        return;
    }
    // torch.autocast.__enter__: remember the state, enable with the dtype, count the nesting level.
    m_previousEnabled = autocastEnabled();
    m_previousDtype = autocastDtype();
    setAutocastEnabled(true);
    setAutocastDtype(target.computeDtype());
    at::autocast::increment_nesting();
    m_active = true;
}

AutocastScope::~AutocastScope() {
    if (!m_active) {
        return;
    }
    // torch.autocast.__exit__: cached low-precision weight copies die with the outermost scope.
    if (at::autocast::decrement_nesting() == 0) {
        at::autocast::clear_cache();
    }
    setAutocastEnabled(m_previousEnabled);
    setAutocastDtype(m_previousDtype);
}

bool cudaAutocastEnabled() {
    return autocastEnabled();
}

int applyThreadCount(int threads) {
    if (threads < 0) {
        throw ArgumentError("thread count is " + std::to_string(threads) + ", expected 0 (all cores) or more");
    }
    // hardware_concurrency may report 0 when unknown; one thread is always safe.
    const int count = threads == 0 ? std::max(1, static_cast<int>(std::thread::hardware_concurrency())) : threads;
    static std::mutex mutex;
    static bool interopTried = false;
    std::lock_guard<std::mutex> lock(mutex);
    torch::set_num_threads(count);
    if (!interopTried) {
        interopTried = true;
        try {
            // Allowed once per process and only before the inter-op pool exists; LibTorch throws otherwise.
            torch::set_num_interop_threads(count);
        } catch (const c10::Error& e) {
            log(LogLevel::Debug, std::string("inter-op thread count left unchanged: ") + e.what_without_backtrace());
        }
    }
    return torch::get_num_threads();
}

void initComputeThread() {
    at::init_num_threads();
}

}  // namespace sm

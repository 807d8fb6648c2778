#pragma once
// The learning-rate multiplier of the authors' training (ldm/lr_scheduler.py LambdaLinearScheduler, as configured
// by Pix2Gif's configs/train.yaml: warm_up_steps [10000], f_start [1e-6], f_max [1.0], f_min [1.0],
// cycle_lengths [1e13]), wrapped by torch's LambdaLR and stepped once per OPTIMIZER step (not per micro-batch).
//
// LambdaLR applies f(0) to the first optimizer step, f(1) to the second, and so on:
//   lr(step) = baseLr · f(step),  f(n) = (fMax − fStart) / warmup · n + fStart   for n < warmup
//                                  f(n) = fMin + (fMax − fMin) · (cycle − n) / cycle  otherwise (1.0 for Pix2Gif)
// Pure functions, thread-safe.
#include <cstdint>

namespace sm::training {

struct LambdaLinearSchedule {
    int64_t warmupSteps = 10000;
    double fStart = 1.0e-6;
    double fMax = 1.0;
    double fMin = 1.0;
    int64_t cycleLength = 10000000000000;  // 1e13: one cycle that never ends
};

/// The multiplier for optimizer step `step` (0-based: the number of optimizer steps already taken).
/// Steps beyond the cycle keep the cycle's last value. Negative steps count as 0.
double lambdaLinearMultiplier(int64_t step, const LambdaLinearSchedule& schedule = {});

}  // namespace sm::training

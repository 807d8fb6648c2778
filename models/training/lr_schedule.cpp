#include "training/lr_schedule.h"

#include <algorithm>

namespace sm::training {

double lambdaLinearMultiplier(int64_t step, const LambdaLinearSchedule& schedule) {
    const int64_t n = std::clamp<int64_t>(step, 0, std::max<int64_t>(schedule.cycleLength, 1));
    if (n < schedule.warmupSteps) {
        // Same operation order as the Python expression, so the doubles agree bit for bit.
        return (schedule.fMax - schedule.fStart) / static_cast<double>(schedule.warmupSteps) * static_cast<double>(n) +
               schedule.fStart;
    }
    const double cycle = static_cast<double>(std::max<int64_t>(schedule.cycleLength, 1));
    return schedule.fMin + (schedule.fMax - schedule.fMin) * (cycle - static_cast<double>(n)) / cycle;
}

}  // namespace sm::training

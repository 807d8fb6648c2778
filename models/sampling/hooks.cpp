#include "sampling/hooks.h"

#include "runtime/error.h"

namespace sm::sampling {

void SamplerHooks::throwIfCancelled() const {
    // Relaxed is enough: the flag carries no data, it only has to be seen eventually.
    if (cancel != nullptr && cancel->load(std::memory_order_relaxed)) {
        throw CancelledError();
    }
}

bool SamplerHooks::report(const StepInfo& info) const {
    if (onStep) {
        switch (onStep(info)) {
            case StepAction::Continue:
                break;
            case StepAction::Stop:
                return false;
            case StepAction::Cancel:
                throw CancelledError();
        }
    }
    throwIfCancelled();
    return true;
}

}  // namespace sm::sampling

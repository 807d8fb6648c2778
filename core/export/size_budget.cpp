#include "export/size_budget.h"

#include "export/export_utils.h"

#include <algorithm>
#include <cmath>

namespace sm::core {

double minimumBudgetScale(QSize frameSize) {
    const int shortSide = std::min(frameSize.width(), frameSize.height());
    if (shortSide <= 16) {
        return 1.0;
    }
    return std::max(16.0 / shortSide, 0.05);
}

bool fitSizeBudget(qint64 maxBytes, const BudgetTrial& start, QSize frameSize, int frameCount,
                   const BudgetTrialFn& trialFn, BudgetOutcome* outcome, QString* error) {
    int attempts = 0;
    qint64 smallestSize = -1;
    BudgetTrial smallestTrial = start;
    // Runs one trial; *fits says whether it is under the budget, in which case it becomes the outcome.
    auto attempt = [&](const BudgetTrial& trial, qint64* size, bool* fits) -> bool {
        QByteArray bytes;
        ++attempts;
        if (!trialFn(trial, &bytes, error)) {
            return false;
        }
        *size = bytes.size();
        *fits = bytes.size() <= maxBytes;
        qCDebug(lcExport) << "budget trial" << attempts << "q" << trial.quality << "colors" << trial.colors << "scale"
                          << trial.scale << "step" << trial.frameStep << "->" << bytes.size() << "bytes";
        if (smallestSize < 0 || *size < smallestSize) {
            smallestSize = *size;
            smallestTrial = trial;
        }
        if (*fits) {
            outcome->trial = trial;
            outcome->bytes = std::move(bytes);
            outcome->attempts = attempts;
        }
        return true;
    };

    qint64 size = 0;
    bool fits = false;
    if (!attempt(start, &size, &fits)) {
        return false;
    }
    if (fits) {
        return true;
    }

    // 1. Quality and colours. A first size far over the budget skips the mildest step: it cannot close the gap.
    const qint64 firstSize = size;
    BudgetTrial mild = start;
    mild.quality = std::max(5, start.quality - 15);
    BudgetTrial medium = start;
    medium.quality = std::max(5, start.quality - 30);
    medium.colors = std::max(16, start.colors / 2);
    BudgetTrial strong = start;
    strong.quality = std::max(5, start.quality - 45);
    strong.colors = std::max(16, start.colors / 4);
    if (firstSize < 2 * maxBytes) {
        if (!attempt(mild, &size, &fits)) {
            return false;
        }
        if (fits) {
            return true;
        }
    }
    qint64 mediumSize = 0;
    if (!attempt(medium, &mediumSize, &fits)) {
        return false;
    }
    if (fits) {
        return true;
    }
    if (mediumSize < maxBytes + maxBytes / 3) {
        if (!attempt(strong, &size, &fits)) {
            return false;
        }
        if (fits) {
            return true;
        }
    }

    // 2. Scale, from the medium quality. Bytes follow roughly scale^k; k is re-estimated from the two measurements
    //    nearest the budget (a secant in log-log space) while the fitting and the too-large scales are bracketed.
    const double minScale = minimumBudgetScale(frameSize);
    BudgetTrial scaled = medium;
    double fitScale = 0.0;       // largest scale that fitted
    double tooLargeScale = 1.0;  // smallest scale that did not
    qint64 tooLargeSize = mediumSize;
    qint64 fitSize = 0;
    double exponent = 2.0;
    double nextScale = std::sqrt(double(maxBytes) / double(mediumSize));
    for (int round = 0; round < 7 && minScale < 1.0; ++round) {
        nextScale = std::clamp(nextScale, minScale, 1.0);
        // Stay strictly inside the bracket; stop when it is narrower than 3 %.
        if (fitScale > 0.0) {
            if (tooLargeScale / fitScale < 1.03) {
                break;
            }
            nextScale = std::clamp(nextScale, fitScale * 1.01, tooLargeScale * 0.99);
        } else if (nextScale >= tooLargeScale) {
            nextScale = tooLargeScale * 0.9;
        }
        if (nextScale < minScale) {
            break;
        }
        scaled.scale = nextScale;
        qint64 trialSize = 0;
        if (!attempt(scaled, &trialSize, &fits)) {
            return false;
        }
        // attempt() stores every fit as the outcome; the bracket makes each new fit larger than the previous one.
        if (fits) {
            if (nextScale > fitScale) {
                fitScale = nextScale;
                fitSize = trialSize;
            }
        } else {
            tooLargeScale = nextScale;
            tooLargeSize = trialSize;
        }
        if (fitScale > 0.0 && fitSize >= maxBytes * 9 / 10) {
            break;  // within 10 % of the budget: good enough
        }
        if (fitScale > 0.0 && tooLargeScale > fitScale) {
            exponent = std::log(double(tooLargeSize) / double(fitSize)) / std::log(tooLargeScale / fitScale);
        } else if (!fits && nextScale < 1.0) {
            exponent = std::log(double(mediumSize) / double(trialSize)) / std::log(1.0 / nextScale);
        }
        exponent = std::clamp(std::isfinite(exponent) ? exponent : 2.0, 1.0, 4.0);
        nextScale = nextScale * std::pow(double(maxBytes) * 0.97 / double(trialSize), 1.0 / exponent);
        if (!fits && nextScale <= minScale && scaled.scale <= minScale) {
            break;
        }
    }
    if (fitScale > 0.0) {
        outcome->attempts = attempts;
        return true;
    }

    // 3. Frame rate at the smallest scale tried.
    BudgetTrial dropped = scaled;
    dropped.scale = minScale;
    for (int step = 2; step <= std::max(2, frameCount / 2); step = step < 4 ? step + 1 : step * 2) {
        if (frameCount / step < 1) {
            break;
        }
        dropped.frameStep = step;
        if (!attempt(dropped, &size, &fits)) {
            return false;
        }
        if (fits) {
            outcome->attempts = attempts;
            return true;
        }
    }
    *error = QStringLiteral(
                 "cannot fit under %1 bytes: the smallest attempt was %2 bytes (quality %3, %4 colours, "
                 "scale %5, every %6. frame)")
                 .arg(maxBytes)
                 .arg(smallestSize)
                 .arg(smallestTrial.quality)
                 .arg(smallestTrial.colors)
                 .arg(smallestTrial.scale, 0, 'f', 2)
                 .arg(smallestTrial.frameStep);
    return false;
}

}  // namespace sm::core

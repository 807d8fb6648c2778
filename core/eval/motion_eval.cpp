#include "eval/motion_eval.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <vector>

#include "eval/image_metrics.h"
#include "eval/motion_metrics.h"

// The curation routine may move from the bridge to core/dataset/; the function stays the same.
#if __has_include("dataset/dataset_curation.h")
#include "dataset/dataset_curation.h"
#else
#include "bridge/dataset_curation.h"
#endif

namespace sm::core {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Mean of the finite values; NaN when there are none.
double finiteMean(const std::vector<double>& values) {
    double sum = 0.0;
    int count = 0;
    for (const double v : values) {
        if (std::isfinite(v)) {
            sum += v;
            ++count;
        }
    }
    return count > 0 ? sum / count : kNaN;
}

}  // namespace

ItemEvaluation evaluateItem(const QImage& source, const QVector<int>& motions, const QVector<QImage>& frames,
                            int analysisSide) {
    const auto atAnalysisSize = [analysisSide](const QImage& image) {
        if (analysisSide <= 0 || image.isNull() || (image.width() == analysisSide && image.height() == analysisSide))
            return image;
        return image.scaled(analysisSide, analysisSide, Qt::IgnoreAspectRatio, Qt::SmoothTransformation);
    };
    const QImage measuredSource = atAnalysisSize(source);
    ItemEvaluation item;
    const int count = int(std::min(motions.size(), frames.size()));
    std::vector<double> requested;
    std::vector<double> measured;
    QVector<QImage> sequence;
    for (int i = 0; i < count; ++i) {
        FrameEvaluation frame;
        frame.requestedMotion = motions.at(i);
        frame.measuredFlow = flowMagnitude(measuredSource, atAnalysisSize(frames.at(i)));
        frame.ssimToSource = ssim(source, frames.at(i));
        frame.psnrToSource = psnr(source, frames.at(i));
        item.frames.append(frame);
        requested.push_back(frame.requestedMotion);
        measured.push_back(frame.measuredFlow);
        sequence.append(frames.at(i));
    }
    item.rmse = rmse(requested, measured);
    item.pearson = pearson(requested, measured);
    // "First frame" = the smallest requested motion (the first of the authors' sorted list); the earliest wins ties.
    item.firstFrameSsim = kNaN;
    int smallest = std::numeric_limits<int>::max();
    for (const FrameEvaluation& frame : item.frames) {
        if (frame.requestedMotion < smallest) {
            smallest = frame.requestedMotion;
            item.firstFrameSsim = frame.ssimToSource;
        }
    }
    item.meanConsecutiveSsim = meanConsecutiveSsim(sequence);
    item.cinemoLevel = cinemoMotionLevel(item.meanConsecutiveSsim);
    item.cinemoUnetId = item.cinemoLevel >= 0 ? cinemoUnetId(item.cinemoLevel) : -1;
    return item;
}

EvalSummary summarize(const QVector<ItemEvaluation>& items) {
    EvalSummary summary;
    summary.items = int(items.size());
    std::vector<double> requested;
    std::vector<double> measured;
    std::vector<double> ssims;
    std::vector<double> psnrs;
    std::vector<double> firstFrame;
    std::vector<double> consecutive;
    struct Bucket {
        std::vector<double> flows, ssims, psnrs;
    };
    std::map<int, Bucket> buckets;  // ordered: rows come out in ascending requested motion
    for (const ItemEvaluation& item : items) {
        for (const FrameEvaluation& frame : item.frames) {
            requested.push_back(frame.requestedMotion);
            measured.push_back(frame.measuredFlow);
            ssims.push_back(frame.ssimToSource);
            psnrs.push_back(frame.psnrToSource);
            Bucket& bucket = buckets[frame.requestedMotion];
            bucket.flows.push_back(frame.measuredFlow);
            bucket.ssims.push_back(frame.ssimToSource);
            bucket.psnrs.push_back(frame.psnrToSource);
        }
        firstFrame.push_back(item.firstFrameSsim);
        consecutive.push_back(item.meanConsecutiveSsim);
    }
    summary.frames = int(requested.size());
    for (const auto& [motion, bucket] : buckets) {
        MotionRow row;
        row.requestedMotion = motion;
        row.count = int(bucket.flows.size());
        row.meanMeasured = finiteMean(bucket.flows);
        double squares = 0.0;
        for (const double flow : bucket.flows)
            squares += (flow - row.meanMeasured) * (flow - row.meanMeasured);
        row.stdMeasured = std::sqrt(squares / double(row.count));
        row.meanSsim = finiteMean(bucket.ssims);
        row.meanPsnr = finiteMean(bucket.psnrs);
        summary.perMotion.append(row);
    }
    summary.rmse = rmse(requested, measured);
    summary.pearson = pearson(requested, measured);
    summary.meanSsim = finiteMean(ssims);
    summary.meanPsnr = finiteMean(psnrs);
    summary.firstFrameSsim = finiteMean(firstFrame);
    summary.meanConsecutiveSsim = finiteMean(consecutive);
    summary.cinemoLevel = cinemoMotionLevel(summary.meanConsecutiveSsim);
    summary.cinemoUnetId = summary.cinemoLevel >= 0 ? cinemoUnetId(summary.cinemoLevel) : -1;
    return summary;
}

}  // namespace sm::core

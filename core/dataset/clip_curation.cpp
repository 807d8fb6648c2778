#include "dataset/clip_curation.h"

#include <QFileInfo>

#include <opencv2/imgproc.hpp>
#include <opencv2/video/tracking.hpp>

#include <algorithm>
#include <cmath>

#include "dataset/clip_captions.h"
#include "dataset/seeded_random.h"
#include "media/video_decoder.h"

namespace sm::core {

namespace {

cv::Mat toGray(const QImage& image) {
    const QImage gray = image.convertToFormat(QImage::Format_Grayscale8);
    cv::Mat wrapped(gray.height(), gray.width(), CV_8UC1, const_cast<uchar*>(gray.constBits()),
                    size_t(gray.bytesPerLine()));
    return wrapped.clone();  // `gray` dies with this scope
}

QString cancelledMessage(const QString& path) {
    return QStringLiteral("%1: cancelled").arg(QFileInfo(path).fileName());
}

bool pairOrder(const TrainingPair& x, const TrainingPair& y) {
    return x.frameA != y.frameA ? x.frameA < y.frameA : x.frameB < y.frameB;
}

}  // namespace

double flowMagnitude(const QImage& a, const QImage& b) {
    if (a.isNull() || b.isNull() || a.size() != b.size())
        return 0.0;
    const cv::Mat gray0 = toGray(a);
    const cv::Mat gray1 = toGray(b);
    std::vector<cv::Point2f> p0;
    cv::goodFeaturesToTrack(gray0, p0, 100, 0.1, 7, cv::noArray(), 7);
    if (p0.empty())
        return 0.0;
    std::vector<cv::Point2f> p1;
    std::vector<uchar> status;
    std::vector<float> err;
    cv::calcOpticalFlowPyrLK(gray0, gray1, p0, p1, status, err, cv::Size(15, 15), 2,
                             cv::TermCriteria(cv::TermCriteria::EPS | cv::TermCriteria::COUNT, 10, 0.03));
    // As in the reference: status is ignored, only displacements above one pixel count.
    double sum = 0.0;
    int kept = 0;
    for (size_t i = 0; i < p0.size() && i < p1.size(); ++i) {
        const double dx = p1[i].x - p0[i].x;
        const double dy = p1[i].y - p0[i].y;
        const double magnitude = std::sqrt(dx * dx + dy * dy);
        if (magnitude > 1.0 && std::isfinite(magnitude)) {
            sum += magnitude;
            ++kept;
        }
    }
    return kept > 0 ? sum / kept : 0.0;
}

QVector<TrainingPair> selectDiversePairs(QVector<TrainingPair> candidates, int maxPairs) {
    if (maxPairs <= 0)
        return {};
    std::stable_sort(candidates.begin(), candidates.end(),
                     [](const TrainingPair& x, const TrainingPair& y) { return x.flow < y.flow; });
    if (candidates.size() <= maxPairs)
        return candidates;
    // Evenly spaced through the sorted list: both ends and a spread in between.
    QVector<TrainingPair> chosen;
    chosen.reserve(maxPairs);
    const int n = candidates.size();
    for (int k = 0; k < maxPairs; ++k) {
        const int index = maxPairs == 1 ? n / 2 : int(std::lround(double(k) * (n - 1) / (maxPairs - 1)));
        chosen.append(candidates.at(index));
    }
    return chosen;
}

QVector<TrainingPair> selectRandomPairs(QVector<TrainingPair> candidates, int maxPairs, std::uint64_t seed) {
    if (maxPairs <= 0)
        return {};
    // Sort first so the sample depends only on the seed and the set of candidates, not on measurement order.
    std::sort(candidates.begin(), candidates.end(), pairOrder);
    if (candidates.size() > maxPairs) {
        SeededRandom rng(seed);
        rng.shuffle(candidates);
        candidates.resize(maxPairs);
        std::sort(candidates.begin(), candidates.end(), pairOrder);
    }
    return candidates;
}

QVector<int> motionHistogram(const QVector<TrainingPair>& pairs, int minMotion, int maxMotion) {
    QVector<int> bins(std::max(0, maxMotion - minMotion + 1), 0);
    for (const TrainingPair& pair : pairs) {
        if (pair.motion >= minMotion && pair.motion <= maxMotion)
            ++bins[pair.motion - minMotion];
    }
    return bins;
}

bool decodeClipFrames(const QString& path, int maxFrames, QVector<QImage>* frames, QSize* nativeSize, double* fps,
                      QString* error, const std::atomic<bool>* cancel) {
    frames->clear();
    VideoDecoder decoder;
    if (!decoder.open(path, error))
        return false;
    if (nativeSize)
        *nativeSize = decoder.frameSize();
    if (fps)
        *fps = decoder.frameRate();
    while (frames->size() < std::max(1, maxFrames)) {
        if (cancel && cancel->load()) {
            *error = cancelledMessage(path);
            return false;
        }
        DecodedFrame frame;
        QString readError;
        const DecodeStatus status = decoder.readFrame(&frame, &readError);
        if (status == DecodeStatus::EndOfStream)
            break;
        if (status == DecodeStatus::Error) {
            if (frames->isEmpty()) {
                *error = readError;
                return false;
            }
            break;  // keep what was readable before the damage
        }
        frames->append(frame.image);
    }
    if (frames->isEmpty()) {
        *error = QStringLiteral("%1: no frames").arg(QFileInfo(path).fileName());
        return false;
    }
    return true;
}

void measureClipPairs(const QVector<QImage>& frames, const CurationOptions& options, ClipReport* report,
                      const std::atomic<bool>* cancel) {
    report->frameCount = frames.size();
    report->candidatePairs = 0;
    report->inRangePairs = 0;
    report->pairs.clear();
    if (frames.size() < 2) {
        report->error = QStringLiteral("%1: needs at least 2 frames, found %2")
                            .arg(QFileInfo(report->path).fileName())
                            .arg(frames.size());
        return;
    }
    const int side = std::max(16, options.analysisSide);
    QVector<QImage> scaled;
    scaled.reserve(frames.size());
    for (const QImage& frame : frames)
        scaled.append(frame.scaled(side, side, Qt::IgnoreAspectRatio, Qt::SmoothTransformation));

    QVector<TrainingPair> inRange;
    for (int i = 0; i < scaled.size(); ++i) {
        for (int j = i + 1; j < scaled.size() && (options.maxGap <= 0 || j - i <= options.maxGap); ++j) {
            if (cancel && cancel->load()) {
                report->error = cancelledMessage(report->path);
                return;
            }
            const double flow = flowMagnitude(scaled.at(i), scaled.at(j));
            ++report->candidatePairs;
            const int motion = int(flow);  // truncated, as int(motion) in the reference loader
            if (motion < options.minMotion || motion > options.maxMotion)
                continue;
            inRange.append(TrainingPair{report->path, i, j, motion, flow, report->caption});
        }
    }
    report->inRangePairs = inRange.size();
    report->pairs = options.selection == PairSelection::Random
                        ? selectRandomPairs(inRange, options.maxPairsPerClip, options.seed)
                        : selectDiversePairs(inRange, options.maxPairsPerClip);
    if (options.selection == PairSelection::Diverse)
        std::sort(report->pairs.begin(), report->pairs.end(), pairOrder);
}

ClipReport curateClip(const QString& path, const CurationOptions& options, const std::atomic<bool>* cancel) {
    ClipReport report;
    report.path = path;
    report.caption = captionFromFileName(path);
    QVector<QImage> frames;
    if (!decodeClipFrames(path, std::max(2, options.maxFrames), &frames, &report.size, &report.fps, &report.error,
                          cancel))
        return report;
    report.thumbnail = frames.front().scaled(96, 96, Qt::KeepAspectRatio, Qt::SmoothTransformation);
    measureClipPairs(frames, options, &report, cancel);
    return report;
}

}  // namespace sm::core

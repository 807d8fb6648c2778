#include "bridge/dataset_curation.h"

#include <QFileInfo>
#include <QRegularExpression>

#include <opencv2/imgproc.hpp>
#include <opencv2/video/tracking.hpp>

#include <algorithm>
#include <cmath>

#include "media/video_decoder.h"

namespace sm::core {

namespace {

cv::Mat toGray(const QImage& image) {
    const QImage gray = image.convertToFormat(QImage::Format_Grayscale8);
    cv::Mat wrapped(gray.height(), gray.width(), CV_8UC1, const_cast<uchar*>(gray.constBits()),
                    size_t(gray.bytesPerLine()));
    return wrapped.clone();  // `gray` dies with this scope
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

QString captionFromFileName(const QString& path) {
    QString base = QFileInfo(path).completeBaseName();
    static const QRegularExpression camel(QStringLiteral("([a-z0-9])([A-Z])"));
    base.replace(camel, QStringLiteral("\\1 \\2"));
    static const QRegularExpression separators(QStringLiteral("[_\\-.+]+"));
    base.replace(separators, QStringLiteral(" "));
    return base.simplified().toLower();
}

QVector<TrainingPair> selectDiversePairs(QVector<TrainingPair> candidates, int maxPairs) {
    if (maxPairs <= 0)
        return {};
    std::stable_sort(candidates.begin(), candidates.end(),
                     [](const TrainingPair& x, const TrainingPair& y) { return x.flow < y.flow; });
    if (candidates.size() <= maxPairs)
        return candidates;
    // Evenly spaced through the sorted list: both ends and a spread in between, so one clip does not feed
    // ten copies of the same motion.
    QVector<TrainingPair> chosen;
    chosen.reserve(maxPairs);
    const int n = candidates.size();
    for (int k = 0; k < maxPairs; ++k) {
        const int index = maxPairs == 1 ? n / 2 : int(std::lround(double(k) * (n - 1) / (maxPairs - 1)));
        chosen.append(candidates.at(index));
    }
    return chosen;
}

QVector<int> motionHistogram(const QVector<TrainingPair>& pairs, int minMotion, int maxMotion) {
    QVector<int> bins(std::max(0, maxMotion - minMotion + 1), 0);
    for (const TrainingPair& pair : pairs) {
        if (pair.motion >= minMotion && pair.motion <= maxMotion)
            ++bins[pair.motion - minMotion];
    }
    return bins;
}

// Frames are decoded once and scaled to the analysis size; all pairs within maxGap are measured (the paper keeps
// consecutive and non-consecutive pairs), then the kept ones are spread over the motion range.
ClipReport curateClip(const QString& path, const CurationOptions& options, const std::atomic<bool>* cancel) {
    ClipReport report;
    report.path = path;
    report.caption = captionFromFileName(path);

    VideoDecoder decoder;
    QString error;
    if (!decoder.open(path, &error)) {
        report.error = error;
        return report;
    }
    report.size = decoder.frameSize();
    report.fps = decoder.frameRate();
    const QSize analysis(options.analysisSide, options.analysisSide);
    QVector<QImage> frames;
    for (;;) {
        if (cancel && cancel->load()) {
            report.error = QStringLiteral("%1: cancelled").arg(QFileInfo(path).fileName());
            return report;
        }
        if (frames.size() >= options.maxFrames)
            break;
        DecodedFrame frame;
        const DecodeStatus status = decoder.readFrame(&frame, &error);
        if (status == DecodeStatus::EndOfStream)
            break;
        if (status == DecodeStatus::Error) {
            if (frames.isEmpty()) {
                report.error = error;
                return report;
            }
            break;  // keep what was readable before the damage
        }
        if (frames.isEmpty())
            report.thumbnail = frame.image.scaled(96, 96, Qt::KeepAspectRatio, Qt::SmoothTransformation);
        frames.append(frame.image.scaled(analysis, Qt::IgnoreAspectRatio, Qt::SmoothTransformation));
    }
    report.frameCount = frames.size();
    if (frames.size() < 2) {
        report.error =
            QStringLiteral("%1: needs at least 2 frames, found %2").arg(QFileInfo(path).fileName()).arg(frames.size());
        return report;
    }

    QVector<TrainingPair> inRange;
    for (int i = 0; i < frames.size(); ++i) {
        for (int j = i + 1; j < frames.size() && j - i <= options.maxGap; ++j) {
            if (cancel && cancel->load()) {
                report.error = QStringLiteral("%1: cancelled").arg(QFileInfo(path).fileName());
                return report;
            }
            const double flow = flowMagnitude(frames.at(i), frames.at(j));
            ++report.candidatePairs;
            const int motion = int(flow);  // truncated, as int(motion) in the reference loader
            if (motion < options.minMotion || motion > options.maxMotion)
                continue;
            inRange.append(TrainingPair{path, i, j, motion, flow, report.caption});
        }
    }
    report.inRangePairs = inRange.size();
    report.pairs = selectDiversePairs(inRange, options.maxPairsPerClip);
    return report;
}

}  // namespace sm::core

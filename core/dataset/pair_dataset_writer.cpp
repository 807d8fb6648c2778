#include "dataset/pair_dataset_writer.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QSaveFile>

#include <algorithm>
#include <cmath>

#include "dataset/clip_captions.h"
#include "dataset/pair_dataset.h"
#include "dataset/seeded_random.h"

namespace sm::core {

namespace {

// What one clip contributed.
struct ClipRecord {
    QString relativePath;
    QString caption;
    CaptionSource captionSource = CaptionSource::FileName;
    int frames = 0;
    int candidatePairs = 0;
    int inRangePairs = 0;
    QVector<PairEntry> entries;  // relative frame paths
    QVector<int> motions;
    bool val = false;
    QString error;
};

// A folder name that survives every file system: the clip index keeps it unique, the name keeps it readable.
QString clipFolderName(int index, const QString& path) {
    QString stem = QFileInfo(path).completeBaseName();
    static const QRegularExpression unsafe(QStringLiteral("[^A-Za-z0-9_-]+"));
    stem.replace(unsafe, QStringLiteral("_"));
    return QStringLiteral("%1_%2").arg(index, 5, 10, QLatin1Char('0')).arg(stem.left(40));
}

bool writeJson(const QString& path, const QJsonObject& root, QString* error) {
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(QJsonDocument(root).toJson(QJsonDocument::Indented)) < 0 ||
        !file.commit()) {
        *error = QStringLiteral("%1: cannot write (%2)").arg(QDir::toNativeSeparators(path), file.errorString());
        return false;
    }
    return true;
}

}  // namespace

CurationOptions datasetCurationDefaults() {
    CurationOptions options;
    options.maxFrames = 48;
    options.maxGap = 0;
    options.maxPairsPerClip = 10;
    options.analysisSide = 256;
    options.selection = PairSelection::Random;
    return options;
}

bool buildPairDataset(const QString& inputFolder, const QString& outputFolder, const DatasetBuildOptions& options,
                      DatasetBuildReport* report, const DatasetProgressCallback& progress,
                      const std::atomic<bool>* cancel) {
    *report = DatasetBuildReport();
    const CurationOptions& curation = options.curation;
    report->histogram = QVector<int>(std::max(0, curation.maxMotion - curation.minMotion + 1), 0);
    auto fail = [report](const QString& message) {
        report->error = message;
        return false;
    };
    auto cancelled = [cancel, report, &fail] {
        if (!cancel || !cancel->load())
            return false;
        report->cancelled = true;
        fail(QStringLiteral("cancelled"));
        return true;
    };
    if (!QFileInfo(inputFolder).isDir())
        return fail(QStringLiteral("%1: not a folder").arg(QDir::toNativeSeparators(inputFolder)));
    const QStringList clips = findClips(inputFolder, cancel);
    if (cancelled())
        return false;
    report->clipsFound = clips.size();
    if (clips.isEmpty())
        return fail(QStringLiteral("%1: no clips found (looked for %2, recursively)")
                        .arg(QDir::toNativeSeparators(inputFolder), clipSuffixes().join(QStringLiteral(", "))));
    const QDir output(outputFolder);
    if (!output.mkpath(QStringLiteral("frames")))
        return fail(QStringLiteral("%1: cannot create the output folder").arg(QDir::toNativeSeparators(outputFolder)));

    const int side = std::max(8, options.trainingSide);
    const QDir input(inputFolder);
    CaptionResolver captions;
    QVector<ClipRecord> records;
    for (int k = 0; k < clips.size(); ++k) {
        const QString& path = clips.at(k);
        if (progress)
            progress(k, clips.size(), QFileInfo(path).fileName());
        if (cancelled())
            return false;
        ClipRecord record;
        record.relativePath = input.relativeFilePath(path);
        record.caption = captions.captionFor(path, &record.captionSource);

        QVector<QImage> frames;
        ClipReport clip;
        clip.path = path;
        clip.caption = record.caption;
        if (decodeClipFrames(path, std::max(2, curation.maxFrames), &frames, &clip.size, &clip.fps, &clip.error,
                             cancel)) {
            CurationOptions perClip = curation;
            perClip.seed = SeededRandom::deriveSeed(options.seed, std::uint64_t(k));
            measureClipPairs(frames, perClip, &clip, cancel);
        }
        if (cancelled())
            return false;
        record.frames = clip.frameCount;
        record.candidatePairs = clip.candidatePairs;
        record.inRangePairs = clip.inRangePairs;
        if (!clip.ok()) {
            record.error = clip.error;
            ++report->clipsFailed;
            report->clipErrors.append(clip.error);
            records.append(record);
            continue;
        }
        // Write each frame a kept pair uses once, at the training size.
        const QString folder = QStringLiteral("frames/") + clipFolderName(k, path);
        QHash<int, QString> written;
        auto frameFile = [&](int index, QString* relative) {
            if (written.contains(index)) {
                *relative = written.value(index);
                return true;
            }
            if (written.isEmpty() && !output.mkpath(folder)) {
                clip.error = QStringLiteral("%1: cannot create folder").arg(output.filePath(folder));
                return false;
            }
            *relative = QStringLiteral("%1/%2.png").arg(folder).arg(index, 4, 10, QLatin1Char('0'));
            const QImage image = frames.at(index)
                                     .scaled(side, side, Qt::IgnoreAspectRatio, Qt::SmoothTransformation)
                                     .convertToFormat(QImage::Format_RGB888);
            if (!image.save(output.filePath(*relative), "PNG")) {
                clip.error = QStringLiteral("%1: cannot write").arg(output.filePath(*relative));
                return false;
            }
            written.insert(index, *relative);
            ++report->framesWritten;
            return true;
        };
        for (const TrainingPair& pair : clip.pairs) {
            PairEntry entry;
            if (!frameFile(pair.frameA, &entry.frame0Path) || !frameFile(pair.frameB, &entry.frame1Path))
                return fail(clip.error);  // a full disk or a read-only output will not get better for the next clip
            entry.caption = record.caption;
            entry.motion = pair.motion;
            record.entries.append(entry);
            record.motions.append(pair.motion);
        }
        if (!record.entries.isEmpty())
            ++report->clipsUsed;
        records.append(record);
    }
    report->warnings = captions.warnings();
    if (report->clipsUsed == 0)
        return fail(QStringLiteral("no clip gave a pair with motion in [%1, %2] at %3 x %3 (%4 clips, %5 unreadable)")
                        .arg(curation.minMotion)
                        .arg(curation.maxMotion)
                        .arg(curation.analysisSide)
                        .arg(report->clipsFound)
                        .arg(report->clipsFailed));

    // Split by clip, seeded.
    QVector<int> withPairs;
    for (int k = 0; k < records.size(); ++k) {
        if (!records.at(k).entries.isEmpty())
            withPairs.append(k);
    }
    const double fraction = std::clamp(std::isfinite(options.valFraction) ? options.valFraction : 0.0, 0.0, 1.0);
    int valClips = int(std::lround(fraction * withPairs.size()));
    if (fraction > 0.0 && withPairs.size() >= 2)
        valClips = std::clamp(valClips, 1, int(withPairs.size()) - 1);
    SeededRandom splitRng(SeededRandom::deriveSeed(options.seed, 0xC0FFEEULL));
    splitRng.shuffle(withPairs);
    for (int v = 0; v < valClips; ++v)
        records[withPairs.at(v)].val = true;

    QVector<PairEntry> train;
    QVector<PairEntry> val;
    QJsonArray clipArray;
    for (const ClipRecord& record : records) {
        (record.val ? val : train) += record.entries;
        for (int motion : record.motions) {
            if (motion >= curation.minMotion && motion <= curation.maxMotion)
                ++report->histogram[motion - curation.minMotion];
        }
        QJsonObject clip{{QStringLiteral("path"), record.relativePath},
                         {QStringLiteral("caption"), record.caption},
                         {QStringLiteral("caption_source"), captionSourceName(record.captionSource)},
                         {QStringLiteral("frames"), record.frames},
                         {QStringLiteral("candidate_pairs"), record.candidatePairs},
                         {QStringLiteral("in_range_pairs"), record.inRangePairs},
                         {QStringLiteral("kept_pairs"), int(record.entries.size())}};
        if (!record.error.isEmpty())
            clip.insert(QStringLiteral("error"), record.error);
        else if (!record.entries.isEmpty())
            clip.insert(QStringLiteral("split"), record.val ? QStringLiteral("val") : QStringLiteral("train"));
        clipArray.append(clip);
    }
    report->trainPairs = train.size();
    report->valPairs = val.size();
    if (progress)
        progress(clips.size(), clips.size(), QStringLiteral("writing pairs.json"));
    if (cancelled())
        return false;

    report->pairsPath = output.filePath(QStringLiteral("pairs.json"));
    report->infoPath = output.filePath(QStringLiteral("dataset_info.json"));
    QString error;
    if (!savePairDatasetJson(report->pairsPath, train, val, &error))
        return fail(error);
    QJsonArray histogram;
    for (int count : report->histogram)
        histogram.append(count);
    const QJsonObject info{
        {QStringLiteral("format"), QStringLiteral("stillmotion pix2gif pairs")},
        {QStringLiteral("version"), 1},
        {QStringLiteral("pairs_file"), QStringLiteral("pairs.json")},
        {QStringLiteral("analysis_side"), curation.analysisSide},
        {QStringLiteral("training_side"), side},
        {QStringLiteral("motion_unit"),
         QStringLiteral("mean Lucas-Kanade displacement in pixels at analysis_side x analysis_side, truncated")},
        {QStringLiteral("min_motion"), curation.minMotion},
        {QStringLiteral("max_motion"), curation.maxMotion},
        {QStringLiteral("max_pairs_per_clip"), curation.maxPairsPerClip},
        {QStringLiteral("max_frames"), curation.maxFrames},
        {QStringLiteral("max_gap"), curation.maxGap},
        {QStringLiteral("selection"),
         curation.selection == PairSelection::Random ? QStringLiteral("random") : QStringLiteral("diverse")},
        {QStringLiteral("seed"), QString::number(options.seed)},
        {QStringLiteral("val_fraction"), fraction},
        {QStringLiteral("counts"), QJsonObject{{QStringLiteral("clips_found"), report->clipsFound},
                                               {QStringLiteral("clips_used"), report->clipsUsed},
                                               {QStringLiteral("clips_failed"), report->clipsFailed},
                                               {QStringLiteral("train_pairs"), report->trainPairs},
                                               {QStringLiteral("val_pairs"), report->valPairs},
                                               {QStringLiteral("frames_written"), report->framesWritten}}},
        {QStringLiteral("motion_histogram"),
         QJsonObject{{QStringLiteral("first_motion"), curation.minMotion}, {QStringLiteral("counts"), histogram}}},
        {QStringLiteral("clips"), clipArray},
    };
    if (!writeJson(report->infoPath, info, &error))
        return fail(error);
    return true;
}

}  // namespace sm::core

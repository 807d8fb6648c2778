#pragma once
// Input and output of the motion-coherency evaluation (stillmotion-cli eval):
//  - the eval set written by `stillmotion-cli synth --eval`: DIR/eval.json =
//      {"items": [{"image": "scene_000.png", "caption": "a red star drifts to the left", "direction": "left"}, ...]}
//    with image paths relative to DIR;
//  - results.json (run settings + summary + per-motion rows + per-item rows), results.csv (one row per item and
//    requested motion) and motion_plot.png (requested vs measured motion, with the y = x line).
//
// Non-finite numbers (NaN: undefined, e.g. Pearson r of one frame) are written as JSON null and as empty CSV cells.
// Thread-safety: reentrant. Errors: bool + QString* error naming the file and the problem; never throws.
#include <QImage>
#include <QJsonObject>
#include <QSize>
#include <QString>
#include <QVector>

#include "eval/motion_eval.h"

namespace sm::core {

struct EvalSetItem {
    QString imagePath;  // absolute (resolved against the set's folder)
    QString image;      // as written in eval.json
    QString caption;
    QString direction;  // may be empty
};

/// Reads DIR/eval.json. Fails (false + *error) when the file is missing or malformed, an item lacks "image" or
/// "caption", or the set is empty. Image files are not opened here.
bool loadEvalSet(const QString& dir, QVector<EvalSetItem>* items, QString* error);

/// The summary numbers as one JSON object (also the --json-summary line): items, frames, rmse, pearson, mean_ssim,
/// mean_psnr, first_frame_ssim, mean_consecutive_ssim, cinemo_level, cinemo_unet_id.
QJsonObject summaryJson(const EvalSummary& summary);

/// The whole results document: the members of `run` (model, resolution, settings, ... as the caller fills them),
/// then "summary", "per_motion" and "items".
QJsonObject resultsJson(const QJsonObject& run, const EvalSummary& summary, const QVector<ItemEvaluation>& items);

/// CSV with a header line and one line per item and frame:
/// image,caption,direction,requested_motion,measured_flow,ssim_to_source,psnr_to_source
QString resultsCsv(const QVector<ItemEvaluation>& items);

/// Scatter plot of requested (x) vs measured (y) motion for every frame, the per-motion means with ±1 standard
/// deviation bars, the y = x line, and a legend with r, L2 and the frame count. `resolution` is printed in the
/// axis titles (the pixels the motions are measured in). White background, RGB32.
QImage renderMotionPlot(const QVector<ItemEvaluation>& items, const EvalSummary& summary, QSize resolution,
                        QSize size = QSize(720, 720));

/// Writes results.json, results.csv and motion_plot.png into `dir` (created if needed), each atomically.
bool writeEvalOutputs(const QString& dir, const QJsonObject& run, const EvalSummary& summary,
                      const QVector<ItemEvaluation>& items, QSize resolution, QString* error);

}  // namespace sm::core

#pragma once
// stillmotion-cli eval: Pix2Gif motion coherency (paper Table 2; shared spec pix2gif.md section 10).
//
// For each source image (an eval set folder written by `stillmotion-cli synth --eval`, or one --image/--prompt)
// it generates one frame per requested motion (default 2,4,6,8,11,14,17,19) with the engine, measures the
// Lucas-Kanade flow source -> frame with the curation routine, and reports per requested motion the mean measured
// flow, the L2 (RMSE, pixels) and Pearson r between requested and measured motion over all frames, how well the
// frames keep the source (SSIM, PSNR, first-frame SSIM) and Cinemo's SSIM motion level of each sequence.
// Everything is measured at the model's resolution (the pixels the motion values are defined in).
//
// Outputs in --output DIR: results.json, results.csv, motion_plot.png (rewritten after every item, so an
// interrupted run keeps what it finished); with --json-summary one JSON line on stdout.
//
// Example:
//   stillmotion-cli eval --model resources/models/pix2gif-demo --eval-set evalset --output eval-out --steps 50
#include <QStringList>
#include <QTextStream>

#include <atomic>

namespace sm::cli {

/// Runs the command with the arguments after "eval". Progress and errors go to `err`, the --json-summary line to
/// `out`. Returns 0 on success, 1 when the model, images or outputs failed, 2 for bad options, 130 when cancelled
/// (partial results are written first). `cancel` (polled between denoising steps) may be null: then Ctrl-C
/// (SIGINT) cancels for the duration of the call. Runs generation on the calling thread.
int runEvalCommand(const QStringList& args, QTextStream& out, QTextStream& err,
                   const std::atomic<bool>* cancel = nullptr);

}  // namespace sm::cli

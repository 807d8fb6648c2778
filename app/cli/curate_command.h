#pragma once
// `stillmotion-cli curate`: a Pix2Gif training set from a folder of clips (core/dataset/pair_dataset_writer.h).
//
//   stillmotion-cli curate --input DIR --output DIR [--side 256] [--analysis-side N] [--training-side N]
//                          [--val 0.05] [--seed S] [--max-pairs 10] [--max-frames 48] [--max-gap 0]
//                          [--motion 2:19] [--selection random|diverse]
//
// --side sets both the analysis side (motions are measured in pixels of that size) and the side of the written
// frames; --analysis-side / --training-side set them separately. Writes DIR/pairs.json ({"train": [...],
// "val": [...]}), DIR/frames/..., DIR/dataset_info.json. Progress (one line per clip) and a summary go to stderr.
// Exit codes: 0 success, 1 failure (no clips, no pairs, unwritable output), 2 bad options, 130 interrupted.
#include <QStringList>
#include <QTextStream>

namespace sm::cli {

int runCurateCommand(const QStringList& args, QTextStream& err);
QString curateUsage();

}  // namespace sm::cli

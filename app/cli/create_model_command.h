#pragma once
// stillmotion-cli create-model: make a Pix2Gif model file from a Stable Diffusion 1.5 / InstructPix2Pix / Pix2Gif
// checkpoint or diffusers folder (--from), or with random weights (--random tiny|full).
#include <QStringList>
#include <QTextStream>

namespace sm::cli {

/// Runs the command with the arguments after "create-model". Returns the process exit code (0 on success,
/// 1 when the model could not be made, 2 for bad options) and writes one-line errors to `err`.
int runCreateModelCommand(const QStringList& args, QTextStream& err);

}  // namespace sm::cli

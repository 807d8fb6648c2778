#pragma once
// stillmotion-cli train-vae: trains the VAE of a Pix2Gif bundle on the frames of a pair dataset, measures its
// latent scale and saves the whole bundle with the new VAE and scale_factor (RUN_DIR/model.safetensors). The demo
// model's recipe runs this first, then `train`. Same run folder, checkpoint, resume and signal conventions as
// train (core/bridge/training_run.h).
#include <QStringList>
#include <QTextStream>

namespace sm::cli {

/// Runs the command with the arguments after "train-vae". Exit codes as runTrainCommand.
int runTrainVaeCommand(const QStringList& args, QTextStream& err);

}  // namespace sm::cli

#pragma once
// stillmotion-cli train: fine-tunes a Pix2Gif model on a pair dataset (core/bridge/training_run.h has the run
// folder layout, checkpoints, resume and metrics). SIGINT/SIGTERM stop after the current micro-batch with a
// checkpoint; `--resume` continues from it.
#include <QStringList>
#include <QTextStream>

namespace sm::cli {

/// Runs the command with the arguments after "train". Returns the exit code: 0 trained (or stopped by a signal
/// with a checkpoint written), 1 the run failed, 2 bad options. Progress and errors go to `err`.
int runTrainCommand(const QStringList& args, QTextStream& err);

}  // namespace sm::cli

#include <QCommandLineParser>

#include <atomic>
#include <cmath>
#include <functional>
#include <type_traits>

#include "bridge/training_run.h"

namespace sm::cli {

/// While alive, SIGINT and SIGTERM set stopFlag() instead of ending the process (the previous handlers come back
/// in the destructor). Used by train and train-vae; one at a time.
class StopSignalGuard {
public:
    StopSignalGuard();
    ~StopSignalGuard();
    StopSignalGuard(const StopSignalGuard&) = delete;
    StopSignalGuard& operator=(const StopSignalGuard&) = delete;
    static const std::atomic<bool>* stopFlag();
};

/// Run callbacks that print progress lines ("step 120/2000  loss 0.1234  lr 1.0e-04  2.31 steps/s  ETA 13m 45s")
/// to `err` at most once per second (and on the last step), warnings and checkpoints as they come, and stop on
/// StopSignalGuard's flag.
core::RunCallbacks consoleCallbacks(QTextStream& err);

/// Splits "--resume [CHECKPOINT]" (the value is optional, which QCommandLineParser cannot express) out of `args`.
QStringList takeResumeOption(const QStringList& args, bool* resume, QString* checkpoint);

/// Reads the number option `name` into *value when it is set (integers must be whole numbers). On a bad value or
/// one below `minimum` writes the error to `err` and returns false.
template <typename T>
bool readNumber(const QCommandLineParser& parser, const QString& name, T* value, QTextStream& err, T minimum) {
    if (!parser.isSet(name))
        return true;
    bool ok = false;
    const QString text = parser.value(name);
    const double parsed = text.toDouble(&ok);
    if (ok && std::is_integral_v<T> && parsed != std::floor(parsed))
        ok = false;
    if (!ok || parsed < double(minimum)) {
        err << "stillmotion-cli: --" << name << " must be a number >= " << double(minimum) << ", got '" << text
            << "'\n";
        return false;
    }
    *value = T(parsed);
    return true;
}

}  // namespace sm::cli

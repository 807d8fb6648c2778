#pragma once
// Golden-case helpers for model tests: find case folders under $STILLMOTION_GOLDEN_DIR (default
// ../shared/golden beside the checkout), read case.json and the safetensors files, compare tensors with
// max-abs and relative-L2 tolerances (both must hold, over the whole tensor).
#include <QString>
#include <QStringList>
#include <nlohmann/json.hpp>
#include <torch/types.h>

#include <memory>
#include <string>

#include "io/safetensors.h"

namespace sm::test {

/// The golden root: $STILLMOTION_GOLDEN_DIR, else the compiled-in default beside the checkout.
QString goldenDir();

/// Case folders whose name starts with `prefix` (sorted); empty when the root is missing.
QStringList caseDirs(const QString& prefix);

/// One case folder: case.json plus its tensors.
class GoldenCase {
public:
    /// Loads <goldenDir>/<name>. Throws sm::Error when case.json is missing or malformed.
    explicit GoldenCase(const QString& name);
    static bool exists(const QString& name);

    const QString& dir() const { return m_dir; }
    std::string file(const std::string& relative) const;  // absolute path of a file in the folder
    const nlohmann::json& json() const { return m_json; }

    /// io.safetensors / weights.safetensors tensors, converted to float32 when `toFloat` and floating.
    bool hasIo(const std::string& name) const;
    torch::Tensor io(const std::string& name) const;
    io::StateDict weights(bool toFloat32 = true) const;
    const io::SafetensorsFile& ioFile() const;

private:
    QString m_dir;
    nlohmann::json m_json;
    mutable std::unique_ptr<io::SafetensorsFile> m_io;
};

struct Diff {
    double maxAbs = 0;
    double relL2 = 0;
};

/// max |ref - port| and ||ref - port|| / ||ref|| in float64. Shapes must match (throws otherwise).
Diff compare(const torch::Tensor& reference, const torch::Tensor& port);

/// Empty when within tolerance, else a message naming the tensor, the measured and the allowed values.
QString checkClose(const std::string& label, const torch::Tensor& reference, const torch::Tensor& port,
                   double maxAbs, double relL2);

/// Empty when equal element for element (after conversion to the reference dtype), else a message.
QString checkEqual(const std::string& label, const torch::Tensor& reference, const torch::Tensor& port);

}  // namespace sm::test

/// QVERIFY2 over a check*() result: passes when the message is empty.
#define SM_VERIFY_OK(message_expr)                                          \
    do {                                                                    \
        const QString sm_msg_ = (message_expr);                             \
        QVERIFY2(sm_msg_.isEmpty(), qPrintable(sm_msg_));                   \
    } while (false)

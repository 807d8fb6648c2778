#include "golden.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <torch/torch.h>

#include "runtime/error.h"

namespace sm::test {

QString goldenDir() {
    const QByteArray env = qgetenv("STILLMOTION_GOLDEN_DIR");
    if (!env.isEmpty()) {
        return QDir(QString::fromLocal8Bit(env)).absolutePath();
    }
    return QStringLiteral(STILLMOTION_DEFAULT_GOLDEN_DIR);
}

QStringList caseDirs(const QString& prefix) {
    QDir root(goldenDir());
    QStringList out;
    for (const QString& name : root.entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name)) {
        if (name.startsWith(prefix) && QFileInfo::exists(root.filePath(name + QStringLiteral("/case.json")))) {
            out << name;
        }
    }
    return out;
}

bool GoldenCase::exists(const QString& name) {
    return QFileInfo::exists(goldenDir() + QLatin1Char('/') + name + QStringLiteral("/case.json"));
}

GoldenCase::GoldenCase(const QString& name) : m_dir(goldenDir() + QLatin1Char('/') + name) {
    QFile f(m_dir + QStringLiteral("/case.json"));
    if (!f.open(QIODevice::ReadOnly)) {
        throw Error(f.fileName().toStdString() + ": cannot open");
    }
    const QByteArray bytes = f.readAll();
    try {
        m_json = nlohmann::json::parse(bytes.constData(), bytes.constData() + bytes.size());
    } catch (const nlohmann::json::exception& e) {
        throw Error(f.fileName().toStdString() + ": " + e.what());
    }
}

std::string GoldenCase::file(const std::string& relative) const {
    return (m_dir + QLatin1Char('/') + QString::fromStdString(relative)).toStdString();
}

const io::SafetensorsFile& GoldenCase::ioFile() const {
    if (!m_io) {
        m_io = std::make_unique<io::SafetensorsFile>(file("io.safetensors"));
    }
    return *m_io;
}

bool GoldenCase::hasIo(const std::string& name) const { return ioFile().contains(name); }

torch::Tensor GoldenCase::io(const std::string& name) const { return ioFile().tensor(name).clone(); }

io::StateDict GoldenCase::weights(bool toFloat32) const {
    io::StateDict dict = io::readSafetensors(file("weights.safetensors"));
    for (auto& [name, tensor] : dict) {
        tensor = (toFloat32 && tensor.is_floating_point()) ? tensor.to(torch::kFloat32) : tensor.clone();
    }
    return dict;
}

Diff compare(const torch::Tensor& reference, const torch::Tensor& port) {
    if (reference.sizes() != port.sizes()) {
        throw Error("shape mismatch: reference " + io::shapeString(reference.sizes()) + ", port " +
                    io::shapeString(port.sizes()));
    }
    const torch::Tensor r = reference.detach().to(torch::kCPU, torch::kFloat64);
    const torch::Tensor p = port.detach().to(torch::kCPU, torch::kFloat64);
    const torch::Tensor d = r - p;
    Diff out;
    out.maxAbs = d.numel() ? d.abs().max().item<double>() : 0.0;
    const double norm = r.norm().item<double>();
    const double dnorm = d.norm().item<double>();
    out.relL2 = norm > 0 ? dnorm / norm : dnorm;
    return out;
}

QString checkClose(const std::string& label, const torch::Tensor& reference, const torch::Tensor& port, double maxAbs,
                   double relL2) {
    if (reference.sizes() != port.sizes()) {
        return QString::fromStdString(label + ": shape " + io::shapeString(port.sizes()) + ", expected " +
                                      io::shapeString(reference.sizes()));
    }
    if (!torch::isfinite(port.to(torch::kFloat64)).all().item<bool>()) {
        return QString::fromStdString(label + ": output has NaN or Inf");
    }
    const Diff d = compare(reference, port);
    if (d.maxAbs <= maxAbs && d.relL2 <= relL2) {
        return {};
    }
    return QStringLiteral("%1: max_abs %2 (allowed %3), rel_l2 %4 (allowed %5)")
        .arg(QString::fromStdString(label))
        .arg(d.maxAbs, 0, 'g', 4)
        .arg(maxAbs, 0, 'g', 4)
        .arg(d.relL2, 0, 'g', 4)
        .arg(relL2, 0, 'g', 4);
}

QString checkEqual(const std::string& label, const torch::Tensor& reference, const torch::Tensor& port) {
    if (reference.sizes() != port.sizes()) {
        return QString::fromStdString(label + ": shape " + io::shapeString(port.sizes()) + ", expected " +
                                      io::shapeString(reference.sizes()));
    }
    const torch::Tensor p = port.to(reference.scalar_type());
    if (torch::equal(reference, p)) {
        return {};
    }
    const auto mismatches = (reference != p).sum().item<int64_t>();
    return QString::fromStdString(label + ": " + std::to_string(mismatches) + " of " +
                                  std::to_string(reference.numel()) + " elements differ");
}

}  // namespace sm::test

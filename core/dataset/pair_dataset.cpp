#include "dataset/pair_dataset.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QImageReader>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>

#include <cmath>

namespace sm::core {

namespace {

// One entry [frame0, frame1, caption, motion]; on failure *error says which part is wrong.
bool parseEntry(const QJsonValue& value, const QDir& base, PairEntry* entry, QString* error) {
    const QJsonArray fields = value.toArray();
    if (!value.isArray() || fields.size() < 4) {
        *error = QStringLiteral("expected [frame0_path, frame1_path, caption, motion]");
        return false;
    }
    if (!fields.at(0).isString() || !fields.at(1).isString()) {
        *error = QStringLiteral("frame paths must be strings");
        return false;
    }
    auto resolve = [&base](const QString& path) {
        return QDir::isAbsolutePath(path) ? path : QDir::cleanPath(base.filePath(path));
    };
    entry->frame0Path = resolve(fields.at(0).toString());
    entry->frame1Path = resolve(fields.at(1).toString());
    entry->caption = fields.at(2).toString();
    const QJsonValue motion = fields.at(3);
    double number = 0.0;
    if (motion.isDouble()) {
        number = motion.toDouble();
    } else if (motion.isString()) {
        bool ok = false;
        number = motion.toString().trimmed().toDouble(&ok);
        if (!ok) {
            *error = QStringLiteral("motion '%1' is not a number").arg(motion.toString());
            return false;
        }
    } else {
        *error = QStringLiteral("motion must be a number");
        return false;
    }
    if (!std::isfinite(number) || std::abs(number) > 1e6) {
        *error = QStringLiteral("motion %1 is out of range").arg(number);
        return false;
    }
    entry->motion = int(number);  // truncation, as Python's int()
    return true;
}

QJsonArray entriesToJson(const QVector<PairEntry>& entries) {
    QJsonArray array;
    for (const PairEntry& e : entries)
        array.append(QJsonArray{e.frame0Path, e.frame1Path, e.caption, e.motion});
    return array;
}

bool loadFrame(const QString& path, int side, QImage* image, QString* error) {
    if (!QFileInfo::exists(path)) {
        *error = QStringLiteral(
                     "%1: file not found (was the dataset folder moved? paths are relative to the "
                     "pair file)")
                     .arg(QDir::toNativeSeparators(path));
        return false;
    }
    QImageReader reader(path);
    QImage loaded = reader.read();
    if (loaded.isNull()) {
        *error = QStringLiteral("%1: cannot read image (%2)").arg(QDir::toNativeSeparators(path), reader.errorString());
        return false;
    }
    if (side > 0 && loaded.size() != QSize(side, side))
        loaded = loaded.scaled(side, side, Qt::IgnoreAspectRatio, Qt::SmoothTransformation);
    *image = loaded.convertToFormat(QImage::Format_RGB888);
    return true;
}

}  // namespace

bool PairDataset::load(const QString& jsonPath, QString* error) {
    m_path = jsonPath;
    m_train.clear();
    m_val.clear();
    QFile file(jsonPath);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("%1: cannot open (%2)").arg(QDir::toNativeSeparators(jsonPath), file.errorString());
        return false;
    }
    QJsonParseError parseError{};
    const QJsonDocument document = QJsonDocument::fromJson(file.readAll(), &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        *error = QStringLiteral("%1: invalid JSON at offset %2: %3")
                     .arg(QDir::toNativeSeparators(jsonPath))
                     .arg(parseError.offset)
                     .arg(parseError.errorString());
        return false;
    }
    if (!document.isObject()) {
        *error = QStringLiteral("%1: expected an object {\"train\": [...], \"val\": [...]}")
                     .arg(QDir::toNativeSeparators(jsonPath));
        return false;
    }
    const QDir base = QFileInfo(jsonPath).absoluteDir();
    const QJsonObject root = document.object();
    for (PairSplit split : {PairSplit::Train, PairSplit::Val}) {
        const QString key = split == PairSplit::Train ? QStringLiteral("train") : QStringLiteral("val");
        if (!root.contains(key))
            continue;
        if (!root.value(key).isArray()) {
            *error = QStringLiteral("%1: \"%2\" must be an array of [frame0, frame1, caption, motion]")
                         .arg(QDir::toNativeSeparators(jsonPath), key);
            return false;
        }
        QVector<PairEntry>& target = split == PairSplit::Train ? m_train : m_val;
        const QJsonArray array = root.value(key).toArray();
        target.reserve(array.size());
        for (int i = 0; i < array.size(); ++i) {
            PairEntry entry;
            QString problem;
            if (!parseEntry(array.at(i), base, &entry, &problem)) {
                *error =
                    QStringLiteral("%1: %2[%3]: %4").arg(QDir::toNativeSeparators(jsonPath), key).arg(i).arg(problem);
                m_train.clear();
                m_val.clear();
                return false;
            }
            target.append(entry);
        }
    }
    return true;
}

bool PairDataset::loadPair(const PairEntry& entry, int side, QImage* frame0, QImage* frame1, QString* error) {
    return loadFrame(entry.frame0Path, side, frame0, error) && loadFrame(entry.frame1Path, side, frame1, error);
}

bool savePairDatasetJson(const QString& jsonPath, const QVector<PairEntry>& train, const QVector<PairEntry>& val,
                         QString* error) {
    const QJsonObject root{{QStringLiteral("train"), entriesToJson(train)},
                           {QStringLiteral("val"), entriesToJson(val)}};
    QSaveFile file(jsonPath);
    if (!file.open(QIODevice::WriteOnly)) {
        *error = QStringLiteral("%1: cannot write (%2)").arg(QDir::toNativeSeparators(jsonPath), file.errorString());
        return false;
    }
    file.write(QJsonDocument(root).toJson(QJsonDocument::Compact));
    if (!file.commit()) {
        *error = QStringLiteral("%1: cannot write (%2)").arg(QDir::toNativeSeparators(jsonPath), file.errorString());
        return false;
    }
    return true;
}

}  // namespace sm::core

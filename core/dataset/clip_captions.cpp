#include "dataset/clip_captions.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>

#include <algorithm>

namespace sm::core {

namespace {

bool readText(const QString& path, QString* text) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return false;
    *text = QString::fromUtf8(file.readAll());
    return true;
}

// Manifest keys compare as written, without "./" and with forward slashes.
QString normaliseKey(QString key) {
    key = QDir::fromNativeSeparators(key.trimmed());
    while (key.startsWith(QLatin1String("./")))
        key = key.mid(2);
    return key;
}

}  // namespace

QString captionFromFileName(const QString& path) {
    QString base = QFileInfo(path).completeBaseName();
    static const QRegularExpression camel(QStringLiteral("([a-z0-9])([A-Z])"));
    base.replace(camel, QStringLiteral("\\1 \\2"));
    static const QRegularExpression separators(QStringLiteral("[_\\-.+]+"));
    base.replace(separators, QStringLiteral(" "));
    return base.simplified().toLower();
}

const QStringList& clipSuffixes() {
    static const QStringList suffixes = {QStringLiteral("gif"), QStringLiteral("mp4"), QStringLiteral("webm"),
                                         QStringLiteral("avi"), QStringLiteral("mov"), QStringLiteral("mkv"),
                                         QStringLiteral("webp")};
    return suffixes;
}

QStringList findClips(const QString& folder, const std::atomic<bool>* cancel) {
    QStringList clips;
    if (!QFileInfo(folder).isDir())
        return clips;
    QDirIterator it(folder, QDir::Files | QDir::Readable, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        if (cancel && cancel->load())
            break;
        const QString path = it.next();
        if (clipSuffixes().contains(QFileInfo(path).suffix().toLower()))
            clips.append(path);
    }
    std::sort(clips.begin(), clips.end());  // QDirIterator order depends on the file system
    return clips;
}

QString captionSourceName(CaptionSource source) {
    switch (source) {
        case CaptionSource::Sidecar:
            return QStringLiteral("sidecar");
        case CaptionSource::Csv:
            return QStringLiteral("csv");
        case CaptionSource::Json:
            return QStringLiteral("json");
        case CaptionSource::FileName:
            return QStringLiteral("file name");
    }
    return {};
}

bool parseCsv(const QString& text, QList<QStringList>* rows, QString* error) {
    rows->clear();
    QStringList row;
    QString field;
    bool quoted = false;
    bool fieldStarted = false;
    int line = 1;
    int quoteLine = 0;
    auto endRow = [&] {
        if (fieldStarted || !row.isEmpty()) {
            row.append(field);
            rows->append(row);
        }
        row.clear();
        field.clear();
        fieldStarted = false;
    };
    for (int i = 0; i < text.size(); ++i) {
        const QChar c = text.at(i);
        if (quoted) {
            if (c == QLatin1Char('"')) {
                if (i + 1 < text.size() && text.at(i + 1) == QLatin1Char('"')) {
                    field.append(c);
                    ++i;
                } else {
                    quoted = false;
                }
            } else {
                if (c == QLatin1Char('\n'))
                    ++line;
                field.append(c);
            }
            continue;
        }
        if (c == QLatin1Char('"')) {
            quoted = true;
            quoteLine = line;
            fieldStarted = true;
        } else if (c == QLatin1Char(',')) {
            row.append(field);
            field.clear();
            fieldStarted = true;
        } else if (c == QLatin1Char('\n')) {
            endRow();
            ++line;
        } else if (c != QLatin1Char('\r')) {
            field.append(c);
            fieldStarted = true;
        }
    }
    if (quoted) {
        if (error)
            *error = QStringLiteral("line %1: unterminated quote").arg(quoteLine);
        return false;
    }
    endRow();
    return true;
}

const CaptionResolver::Manifest& CaptionResolver::manifestFor(const QString& folder) {
    const QString key = QDir(folder).absolutePath();
    auto found = m_manifests.constFind(key);
    if (found != m_manifests.constEnd())
        return found.value();
    Manifest manifest;
    QString text;
    const QString csvPath = QDir(key).filePath(QStringLiteral("captions.csv"));
    if (QFileInfo::exists(csvPath)) {
        QList<QStringList> rows;
        QString error;
        if (!readText(csvPath, &text)) {
            m_warnings.append(QStringLiteral("%1: cannot be read").arg(csvPath));
        } else if (!parseCsv(text, &rows, &error)) {
            m_warnings.append(QStringLiteral("%1: %2").arg(csvPath, error));
        } else {
            for (int r = 0; r < rows.size(); ++r) {
                const QStringList& row = rows.at(r);
                if (row.size() < 2)
                    continue;
                const QString file = normaliseKey(row.at(0));
                if (r == 0 && file.compare(QLatin1String("file"), Qt::CaseInsensitive) == 0)
                    continue;  // header
                // A caption that itself contains unquoted commas arrives split: join it back.
                manifest.csv.insert(file, row.mid(1).join(QLatin1Char(',')).simplified());
            }
        }
    }
    const QString jsonPath = QDir(key).filePath(QStringLiteral("captions.json"));
    if (QFileInfo::exists(jsonPath)) {
        QJsonParseError parseError{};
        const QJsonDocument document =
            readText(jsonPath, &text) ? QJsonDocument::fromJson(text.toUtf8(), &parseError) : QJsonDocument();
        if (document.isObject()) {
            const QJsonObject object = document.object();
            for (auto it = object.begin(); it != object.end(); ++it) {
                if (it.value().isString())
                    manifest.json.insert(normaliseKey(it.key()), it.value().toString().simplified());
            }
        } else if (document.isArray()) {
            for (const QJsonValue& entry : document.array()) {
                const QJsonObject object = entry.toObject();
                const QString file = object.value(QStringLiteral("file")).toString();
                const QString caption = object.value(QStringLiteral("caption")).toString();
                if (!file.isEmpty())
                    manifest.json.insert(normaliseKey(file), caption.simplified());
            }
        } else {
            m_warnings.append(QStringLiteral("%1: not a JSON object or array of {\"file\", \"caption\"} (%2)")
                                  .arg(jsonPath, parseError.errorString()));
        }
    }
    return m_manifests.insert(key, manifest).value();
}

QString CaptionResolver::captionFor(const QString& clipPath, CaptionSource* source) {
    const QFileInfo info(clipPath);
    auto found = [source](CaptionSource from, const QString& caption) {
        if (source)
            *source = from;
        return caption;
    };
    QString text;
    const QString sidecar = info.dir().filePath(info.completeBaseName() + QStringLiteral(".txt"));
    if (QFileInfo::exists(sidecar) && readText(sidecar, &text) && !text.simplified().isEmpty())
        return found(CaptionSource::Sidecar, text.simplified());
    const Manifest& manifest = manifestFor(info.absolutePath());
    for (const QHash<QString, QString>* table : {&manifest.csv, &manifest.json}) {
        const QString caption = table->value(info.fileName());
        if (!caption.isEmpty())
            return found(table == &manifest.csv ? CaptionSource::Csv : CaptionSource::Json, caption);
    }
    return found(CaptionSource::FileName, captionFromFileName(clipPath));
}

}  // namespace sm::core

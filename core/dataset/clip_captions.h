#pragma once
// Finding clips in folders and their captions.
//
// Caption precedence for a clip <folder>/<name>.<ext> (the first that gives a non-empty caption wins):
//   1. a sidecar text file <folder>/<name>.txt (whole file, whitespace simplified);
//   2. <folder>/captions.csv: rows "file,caption" (RFC 4180 quoting; an optional header row "file,caption";
//      "file" is the clip's file name, a leading "./" ignored);
//   3. <folder>/captions.json: either {"<file>": "<caption>", ...} or [{"file": ..., "caption": ...}, ...];
//   4. the file name: captionFromFileName().
// Manifests are looked up in the clip's own folder only.
//
// Thread-safety: all functions are reentrant; CaptionResolver caches parsed manifests and is used from one thread.
// Errors: unreadable or malformed manifests are skipped (the next source is used) and reported once through
// CaptionResolver::warnings(); nothing throws.
#include <QHash>
#include <QString>
#include <QStringList>

#include <atomic>

namespace sm::core {

// Words from a file name: separators and camelCase split, lower case, no extension:
// "cat_jumps-high.gif" -> "cat jumps high", "slowSquare_drift.gif" -> "slow square drift".
QString captionFromFileName(const QString& path);

// File-name suffixes (lower case, no dot) that clip import accepts: gif, mp4, webm, avi, mov, mkv, webp.
const QStringList& clipSuffixes();

// Clip files under `folder`, recursively, sorted by path (byte order, so the order is the same everywhere).
// Stops early (returning what it found) when *cancel becomes true. Empty when the folder does not exist.
QStringList findClips(const QString& folder, const std::atomic<bool>* cancel = nullptr);

// Where a caption came from.
enum class CaptionSource { Sidecar, Csv, Json, FileName };
QString captionSourceName(CaptionSource source);  // "sidecar", "csv", "json", "file name"

class CaptionResolver {
public:
    QString captionFor(const QString& clipPath, CaptionSource* source = nullptr);
    // One line per manifest that could not be used ("captions.csv: line 3: unterminated quote").
    const QStringList& warnings() const { return m_warnings; }

private:
    struct Manifest {
        QHash<QString, QString> csv;  // key: file name or relative path, as written
        QHash<QString, QString> json;
    };
    const Manifest& manifestFor(const QString& folder);

    QHash<QString, Manifest> m_manifests;  // by absolute folder path
    QStringList m_warnings;
};

// Parses CSV text into rows of fields (RFC 4180: quotes, doubled quotes, commas and newlines inside quotes).
// Returns false with *error ("line N: ...") on an unterminated quote.
bool parseCsv(const QString& text, QList<QStringList>* rows, QString* error);

}  // namespace sm::core

#pragma once
// The Pix2Gif pair file (the authors' edit_dataset.py layout, shared spec pix2gif.md section 8):
//
//   {"train": [[frame0_path, frame1_path, caption, motion], ...], "val": [...]}
//
// motion is the integer motion value (the authors read it with int(motion); we accept an integer, a float, which
// is truncated, or a numeric string). Paths are written relative to the JSON file's folder by
// buildPairDataset(); when reading, relative paths resolve against that folder and absolute paths are used as
// they are. Missing "train" or "val" keys read as empty splits; other keys are ignored.
//
// Thread-safety: PairDataset is immutable after load(); loadPair() is reentrant and may run on many threads.
// Errors: load()/loadPair()/savePairDatasetJson() return false with one readable line in *error that names the
// file (and entry) and says what to fix; nothing throws.
#include <QImage>
#include <QString>
#include <QVector>

namespace sm::core {

struct PairEntry {
    QString frame0Path;  // as resolved: absolute, or relative to the current directory if the JSON said so
    QString frame1Path;
    QString caption;
    int motion = 0;
};

enum class PairSplit { Train, Val };

class PairDataset {
public:
    bool load(const QString& jsonPath, QString* error);

    QString path() const { return m_path; }
    const QVector<PairEntry>& entries(PairSplit split) const { return split == PairSplit::Train ? m_train : m_val; }
    int size(PairSplit split) const { return entries(split).size(); }

    // Reads both frames of `entry` as QImage::Format_RGB888 at side x side (resized with smooth filtering, aspect
    // ignored, as the authors' 256 x 256 resize; side <= 0 keeps the stored size). Fails when a file is missing
    // or unreadable, naming it.
    static bool loadPair(const PairEntry& entry, int side, QImage* frame0, QImage* frame1, QString* error);

private:
    QString m_path;
    QVector<PairEntry> m_train;
    QVector<PairEntry> m_val;
};

// Writes the layout above atomically (temporary file + rename). Paths are written as given in the entries.
bool savePairDatasetJson(const QString& jsonPath, const QVector<PairEntry>& train, const QVector<PairEntry>& val,
                         QString* error);

}  // namespace sm::core

#pragma once
// Training batches from a Pix2Gif pair dataset (dataset/pair_dataset.h): the Qt ↔ LibTorch conversion of the
// trainers' inputs. This header carries LibTorch types: include it from core/bridge sources and the CLI only,
// never from a header ui/ sees.
//
// Images: each frame is read with QImage, converted to RGB888 and resized to side × side with
// Qt::SmoothTransformation (aspect ignored, as the authors' 256 × 256 resize; they used PIL's Lanczos, so the
// filter differs slightly), then mapped to float32 [-1, 1] as x / 127.5 − 1 in [3, side, side] CHW order.
//
// Order: every epoch visits each sample once, in the order of a permutation of 0..n−1 drawn with
// SeededRandom(SeededRandom::deriveSeed(seed, epoch)).shuffle() — platform-independent, and a function of
// (seed, epoch) alone, so a DataPosition {seed, epoch, index} saved next to a checkpoint is enough to continue
// with exactly the batches an uninterrupted run would have drawn. A batch that reaches the end of an epoch takes
// its remaining samples from the start of the next epoch.
//
// Cache: with cacheFrames on, decoded and resized frames stay in memory (side² · 3 bytes each: 12 KB at 64 px,
// 192 KB at 256 px), which suits the small datasets the studio curates; large datasets leave it off.
//
// Thread-safety: the sources are plain objects used from one thread (the training thread).
// Errors: open() and next() return false with one readable line in *error (file names included); nothing throws.
#include <QHash>
#include <QImage>
#include <QJsonObject>
#include <QString>
#include <QStringList>
#include <QVector>

#include <torch/types.h>

#include <cstdint>

#include "dataset/pair_dataset.h"
#include "training/pix2gif_trainer.h"

namespace sm::core {

/// Where the data order stands: the next sample is permutation(seed, epoch)[index].
struct DataPosition {
    quint64 seed = 0;
    qint64 epoch = 0;
    qint64 index = 0;

    QJsonObject toJson() const;
    /// Missing fields read as 0. The seed is stored as a decimal string (JSON numbers lose 64-bit precision).
    static DataPosition fromJson(const QJsonObject& json);
    bool operator==(const DataPosition& other) const {
        return seed == other.seed && epoch == other.epoch && index == other.index;
    }
};

/// The visiting order of epoch `epoch`: a permutation of 0..count−1 (see the top of this file).
QVector<int> epochPermutation(quint64 seed, qint64 epoch, int count);

/// RGB888 image (any format is converted first) → float32 [3, H, W] in [-1, 1].
torch::Tensor imageToTensor(const QImage& image);
/// [3, H, W] (or [1, 3, H, W]) in [-1, 1] → RGB888, values clamped and truncated like pix2gif::decodeToUint8.
QImage tensorToImage(const torch::Tensor& image);
/// Reads one frame as RGB888 side × side (smooth resize, aspect ignored; side ≤ 0 keeps its size).
bool loadTrainingFrame(const QString& path, int side, QImage* image, QString* error);

/// Resolves a dataset argument: a folder means <folder>/pairs.json, a file is used as it is.
QString pairDatasetJsonPath(const QString& folderOrJson);

/// Pix2Gif micro-batches over the train split.
class PairBatchSource {
public:
    /// Loads the pair file (see pairDatasetJsonPath) for images of side × side. Fails for an unreadable file or
    /// an empty train split.
    bool open(const QString& datasetPath, int side, quint64 seed, bool cacheFrames, QString* error);

    const PairDataset& dataset() const { return m_dataset; }
    int size() const { return m_dataset.size(PairSplit::Train); }
    int side() const { return m_side; }
    DataPosition position() const { return m_position; }
    /// Continues from a saved position (its seed replaces the one given to open()).
    void setPosition(const DataPosition& position);

    /// The next `batchSize` pairs: source/target [B, 3, side, side] float32 on the CPU, captions, motions.
    /// Advances the position only on success.
    bool next(int batchSize, training::Pix2GifBatch* batch, QString* error);

private:
    bool loadEntry(int index, QImage* frame0, QImage* frame1, QString* error);

    PairDataset m_dataset;
    int m_side = 0;
    bool m_cache = false;
    DataPosition m_position;
    QVector<int> m_order;  // permutation of m_position.epoch
    QHash<int, QPair<QImage, QImage>> m_cached;
};

/// Images-only micro-batches for the autoencoder trainer: every distinct frame the pair file names (train, then
/// val, in order of first appearance), visited like the pairs above.
class FrameBatchSource {
public:
    bool open(const QString& datasetPath, int side, quint64 seed, bool cacheFrames, QString* error);

    const QStringList& frames() const { return m_paths; }
    int size() const { return m_paths.size(); }
    DataPosition position() const { return m_position; }
    void setPosition(const DataPosition& position);

    /// The next `batchSize` frames as [B, 3, side, side] float32 in [-1, 1] on the CPU.
    bool next(int batchSize, torch::Tensor* images, QString* error);
    /// Up to `count` frames spread evenly over the list (indices i·size/count, no shuffling), so that they
    /// represent every part of the dataset (its clips are in path order), e.g. for latentScale() and the
    /// reconstruction check.
    bool spreadFrames(int count, torch::Tensor* images, QString* error);

private:
    bool loadIndex(int index, QImage* image, QString* error);

    QStringList m_paths;
    int m_side = 0;
    bool m_cache = false;
    DataPosition m_position;
    QVector<int> m_order;
    QHash<int, QImage> m_cached;
};

}  // namespace sm::core

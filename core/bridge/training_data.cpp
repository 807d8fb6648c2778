#include "bridge/training_data.h"

#include <QDir>
#include <QFileInfo>
#include <QImageReader>
#include <QSet>

#include <torch/torch.h>

#include <cstring>

#include "dataset/seeded_random.h"

namespace sm::core {

QJsonObject DataPosition::toJson() const {
    return QJsonObject{{QStringLiteral("seed"), QString::number(seed)},
                       {QStringLiteral("epoch"), double(epoch)},
                       {QStringLiteral("index"), double(index)}};
}

DataPosition DataPosition::fromJson(const QJsonObject& json) {
    DataPosition position;
    const QJsonValue seed = json.value(QStringLiteral("seed"));
    position.seed = seed.isString() ? seed.toString().toULongLong() : quint64(seed.toDouble());
    position.epoch = qint64(json.value(QStringLiteral("epoch")).toDouble());
    position.index = qint64(json.value(QStringLiteral("index")).toDouble());
    return position;
}

QVector<int> epochPermutation(quint64 seed, qint64 epoch, int count) {
    QVector<int> order(count);
    for (int i = 0; i < count; ++i)
        order[i] = i;
    SeededRandom random(SeededRandom::deriveSeed(seed, quint64(epoch)));
    random.shuffle(order);
    return order;
}

torch::Tensor imageToTensor(const QImage& input) {
    const QImage image = input.convertToFormat(QImage::Format_RGB888);
    const int width = image.width();
    const int height = image.height();
    // QImage rows are padded to 4 bytes: copy row by row into a dense HWC buffer.
    torch::Tensor hwc = torch::empty({height, width, 3}, torch::kUInt8);
    uint8_t* out = hwc.data_ptr<uint8_t>();
    for (int y = 0; y < height; ++y)
        std::memcpy(out + size_t(y) * width * 3, image.constScanLine(y), size_t(width) * 3);
    return hwc.permute({2, 0, 1}).to(torch::kFloat32).div_(127.5).sub_(1.0).contiguous();
}

QImage tensorToImage(const torch::Tensor& input) {
    torch::Tensor image = input.detach().to(torch::kCPU, torch::kFloat32);
    if (image.dim() == 4)
        image = image[0];
    const torch::Tensor hwc =
        ((image + 1.0) / 2.0).clamp(0.0, 1.0).mul(255.0).to(torch::kUInt8).permute({1, 2, 0}).contiguous();
    const int height = int(hwc.size(0));
    const int width = int(hwc.size(1));
    QImage result(width, height, QImage::Format_RGB888);
    const uint8_t* in = hwc.data_ptr<uint8_t>();
    for (int y = 0; y < height; ++y)
        std::memcpy(result.scanLine(y), in + size_t(y) * width * 3, size_t(width) * 3);
    return result;
}

bool loadTrainingFrame(const QString& path, int side, QImage* image, QString* error) {
    QImageReader reader(path);
    QImage read = reader.read();
    if (read.isNull()) {
        *error =
            QStringLiteral("%1: cannot read the frame (%2)").arg(QDir::toNativeSeparators(path), reader.errorString());
        return false;
    }
    read = read.convertToFormat(QImage::Format_RGB888);
    if (side > 0 && (read.width() != side || read.height() != side))
        read = read.scaled(side, side, Qt::IgnoreAspectRatio, Qt::SmoothTransformation);
    *image = read;
    return true;
}

QString pairDatasetJsonPath(const QString& folderOrJson) {
    const QFileInfo info(folderOrJson);
    return info.isDir() ? QDir(folderOrJson).filePath(QStringLiteral("pairs.json")) : folderOrJson;
}

namespace {

/// Loads the pair file; the caller checks that the split it needs is not empty.
bool openDataset(const QString& datasetPath, PairDataset* dataset, QString* error) {
    const QString json = pairDatasetJsonPath(datasetPath);
    if (!QFileInfo::exists(json)) {
        *error = QStringLiteral(
                     "%1: no pair dataset here; pass a folder made by `stillmotion-cli curate` (with "
                     "pairs.json) or the pair JSON file itself")
                     .arg(QDir::toNativeSeparators(json));
        return false;
    }
    return dataset->load(json, error);
}

/// The sample indexes of the next `count` draws from `position` (advancing a copy of it across epochs).
QVector<int> drawIndexes(DataPosition* position, QVector<int>* order, int size, int count) {
    QVector<int> indexes;
    indexes.reserve(count);
    for (int i = 0; i < count; ++i) {
        if (position->index >= size) {
            ++position->epoch;
            position->index = 0;
            *order = epochPermutation(position->seed, position->epoch, size);
        }
        indexes.append(order->at(int(position->index)));
        ++position->index;
    }
    return indexes;
}

}  // namespace

// ---- pairs ---------------------------------------------------------------------------------------------------

bool PairBatchSource::open(const QString& datasetPath, int side, quint64 seed, bool cacheFrames, QString* error) {
    if (!openDataset(datasetPath, &m_dataset, error))
        return false;
    if (m_dataset.size(PairSplit::Train) == 0) {
        *error = QStringLiteral(
                     "%1: the train split has no pairs; curate more clips (or lower the validation "
                     "fraction)")
                     .arg(QDir::toNativeSeparators(m_dataset.path()));
        return false;
    }
    m_side = side;
    m_cache = cacheFrames;
    m_cached.clear();
    setPosition(DataPosition{seed, 0, 0});
    return true;
}

void PairBatchSource::setPosition(const DataPosition& position) {
    m_position = position;
    m_order = epochPermutation(position.seed, position.epoch, size());
}

bool PairBatchSource::loadEntry(int index, QImage* frame0, QImage* frame1, QString* error) {
    if (m_cache) {
        const auto found = m_cached.constFind(index);
        if (found != m_cached.constEnd()) {
            *frame0 = found->first;
            *frame1 = found->second;
            return true;
        }
    }
    const PairEntry& entry = m_dataset.entries(PairSplit::Train).at(index);
    if (!PairDataset::loadPair(entry, m_side, frame0, frame1, error))
        return false;
    if (m_cache)
        m_cached.insert(index, {*frame0, *frame1});
    return true;
}

bool PairBatchSource::next(int batchSize, training::Pix2GifBatch* batch, QString* error) {
    DataPosition position = m_position;
    QVector<int> order = m_order;
    const QVector<int> indexes = drawIndexes(&position, &order, size(), batchSize);
    std::vector<torch::Tensor> sources, targets;
    training::Pix2GifBatch result;
    for (const int index : indexes) {
        QImage frame0, frame1;
        if (!loadEntry(index, &frame0, &frame1, error))
            return false;
        sources.push_back(imageToTensor(frame0));
        targets.push_back(imageToTensor(frame1));
        const PairEntry& entry = m_dataset.entries(PairSplit::Train).at(index);
        result.captions.push_back(entry.caption.toStdString());
        result.motions.push_back(entry.motion);
    }
    result.source = torch::stack(sources);
    result.target = torch::stack(targets);
    *batch = std::move(result);
    m_position = position;
    m_order = order;
    return true;
}

// ---- frames --------------------------------------------------------------------------------------------------

bool FrameBatchSource::open(const QString& datasetPath, int side, quint64 seed, bool cacheFrames, QString* error) {
    PairDataset dataset;
    if (!openDataset(datasetPath, &dataset, error))
        return false;
    QSet<QString> seen;
    m_paths.clear();
    for (const PairSplit split : {PairSplit::Train, PairSplit::Val}) {
        for (const PairEntry& entry : dataset.entries(split)) {
            for (const QString& path : {entry.frame0Path, entry.frame1Path}) {
                const QString key = QFileInfo(path).absoluteFilePath();
                if (!seen.contains(key)) {
                    seen.insert(key);
                    m_paths.append(path);
                }
            }
        }
    }
    if (m_paths.isEmpty()) {
        *error = QStringLiteral("%1: the dataset names no frames").arg(QDir::toNativeSeparators(dataset.path()));
        return false;
    }
    m_side = side;
    m_cache = cacheFrames;
    m_cached.clear();
    setPosition(DataPosition{seed, 0, 0});
    return true;
}

void FrameBatchSource::setPosition(const DataPosition& position) {
    m_position = position;
    m_order = epochPermutation(position.seed, position.epoch, size());
}

bool FrameBatchSource::loadIndex(int index, QImage* image, QString* error) {
    if (m_cache) {
        const auto found = m_cached.constFind(index);
        if (found != m_cached.constEnd()) {
            *image = *found;
            return true;
        }
    }
    if (!loadTrainingFrame(m_paths.at(index), m_side, image, error))
        return false;
    if (m_cache)
        m_cached.insert(index, *image);
    return true;
}

bool FrameBatchSource::next(int batchSize, torch::Tensor* images, QString* error) {
    DataPosition position = m_position;
    QVector<int> order = m_order;
    const QVector<int> indexes = drawIndexes(&position, &order, size(), batchSize);
    std::vector<torch::Tensor> tensors;
    for (const int index : indexes) {
        QImage image;
        if (!loadIndex(index, &image, error))
            return false;
        tensors.push_back(imageToTensor(image));
    }
    *images = torch::stack(tensors);
    m_position = position;
    m_order = order;
    return true;
}

bool FrameBatchSource::spreadFrames(int count, torch::Tensor* images, QString* error) {
    std::vector<torch::Tensor> tensors;
    const int n = std::min(count, size());
    for (int i = 0; i < n; ++i) {
        const int index = int(qint64(i) * size() / n);
        QImage image;
        if (!loadIndex(index, &image, error))
            return false;
        tensors.push_back(imageToTensor(image));
    }
    *images = torch::stack(tensors);
    return true;
}

}  // namespace sm::core

#pragma once
// Palette building (libimagequant) and the frame-differencing remapper behind the GIF encoder.
//
// The remapper keeps, for every pixel, the colour the viewer currently sees (the "displayed canvas", GIF disposal
// "do not dispose"). A pixel whose displayed colour is already as close to the new source colour as the palette
// colour it would get (plus a quality-dependent tolerance) is written as the transparent index, so unchanged areas
// cost almost nothing after LZW and static areas do not flicker. Frames are then cropped to the changed rectangle.
//
// Thread-safety: the functions are reentrant; a TemporalRemapper instance is used from one thread at a time.
#include <QImage>
#include <QRect>
#include <QRgb>
#include <QSize>
#include <QString>
#include <QVector>

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <vector>

namespace sm::core::gif {

// A GIF colour table. `colors` holds the visible colours; when transparentIndex >= 0 it is the extra entry
// right after them (colors.size() == transparentIndex) and its RGB value is irrelevant.
struct Palette {
    QVector<QRgb> colors;
    int transparentIndex = -1;
    int entryCount() const { return colors.size() + (transparentIndex >= 0 ? 1 : 0); }
};

// Colour counts at 7 bits per channel (2^21 buckets) with per-bucket sums, so each histogram entry is the mean of
// the pixels it holds (exact when a bucket saw one colour). libimagequant quantises the entries; when there are no
// more entries than palette slots the palette is the entries themselves, so flat artwork stays lossless.
// Sums are 32-bit: add at most 16M pixels between clear() calls. About 32 MB; reuse one instance.
class ColorHistogram {
public:
    static constexpr qint64 kMaxPixels = 16 * 1024 * 1024;
    ColorHistogram();
    bool isValid() const { return m_buckets != nullptr; }  // false when the 32 MB could not be allocated
    void addFrame(const QImage& rgb888);
    void add(const uchar* rgb) {
        const uint32_t key = (uint32_t(rgb[0] >> 1) << 14) | (uint32_t(rgb[1] >> 1) << 7) | uint32_t(rgb[2] >> 1);
        Bucket& bucket = m_buckets[key];
        if (bucket.count++ == 0) {
            m_used.push_back(key);
        }
        bucket.sumR += rgb[0];
        bucket.sumG += rgb[1];
        bucket.sumB += rgb[2];
    }
    void clear();
    // At most `colorCount` visible colours (1..256); `quality` 1..100 is the liq target, `speed` 1..10 liq's speed.
    bool quantize(int colorCount, int quality, int speed, Palette* palette, QString* error) const;

private:
    struct Bucket {
        uint32_t count = 0, sumR = 0, sumG = 0, sumB = 0;
    };
    struct FreeDeleter {
        void operator()(Bucket* buckets) const { std::free(buckets); }
    };
    // calloc'ed: the operating system hands out zeroed pages on first touch, so the untouched bulk of the 32 MB
    // costs nothing (a std::vector would write all of it on every encode).
    std::unique_ptr<Bucket[], FreeDeleter> m_buckets;
    std::vector<uint32_t> m_used;  // keys of non-empty buckets, for clear() and quantize()
};

// Nearest palette colour in plain RGB (squared Euclidean distance, the metric PSNR uses). The RGB cube is split
// into 32x32x32 cells; on first use a cell gets the list of palette entries that can be nearest to any point in it
// (entries whose distance to the cell does not exceed the smallest farthest-corner distance), so a lookup scans a
// handful of entries and stays exact. Not thread-safe (cells are filled lazily).
class NearestColor {
public:
    explicit NearestColor(const Palette& palette);
    // Returns the palette index nearest to (r, g, b), each in 0..255; *distance2 receives the squared distance.
    int find(float r, float g, float b, float* distance2);

private:
    static constexpr int kCellBits = 3;  // cell edge 8 levels
    static constexpr int kCellsPerAxis = 256 >> kCellBits;
    void buildCell(int cell);

    std::vector<float> m_planar;  // all reds, then greens, then blues
    std::vector<float> m_nearScratch;
    std::vector<float> m_farScratch;

    std::vector<float> m_rgb;      // 3 floats per palette entry
    std::vector<int> m_cellStart;  // per cell: offset into m_candidates, -1 = not built yet
    std::vector<uint16_t> m_cellCount;
    std::vector<uint8_t> m_candidates;
};

struct RemapOptions {
    float ditherLevel = 0.5f;     // Floyd-Steinberg strength 0..1
    float keepTolerance2 = 0.0f;  // extra squared RGB error allowed when keeping a displayed pixel
};

// The result of mapping one frame: palette indices of the changed rectangle (row-major, rect.width() per row).
struct RemappedFrame {
    QRect rect;  // area to write; never empty (a 1x1 transparent pixel for identical frames)
    std::vector<uint8_t> indices;
    bool usesTransparency = false;
};

class TemporalRemapper {
public:
    explicit TemporalRemapper(QSize size);
    // Maps an RGB888 frame of the remapper's size onto `palette`. The first frame (or any frame when the palette
    // has no transparent entry) is written in full. Updates the displayed canvas.
    // `nearest` must have been built from `palette`.
    RemappedFrame remap(const QImage& frame, const Palette& palette, NearestColor& nearest,
                        const RemapOptions& options);
    // Adds the pixels whose source colour moved by more than `tolerance2` since they were last drawn (all pixels
    // before the first frame) to `histogram`: the colours a per-frame palette has to serve.
    void addChangedPixels(const QImage& frame, float tolerance2, ColorHistogram* histogram) const;
    bool hasDisplayed() const { return m_hasDisplayed; }

private:
    QSize m_size;
    std::vector<uint8_t> m_displayed;    // RGB, what the viewer sees after the last frame
    std::vector<uint8_t> m_drawnSource;  // RGB, the source colour each shown pixel was drawn for
    bool m_hasDisplayed = false;
};

}  // namespace sm::core::gif

#include "export/gif_remap.h"

#include <libimagequant.h>
#include <omp.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>

namespace sm::core::gif {
namespace {

struct LiqAttrDeleter {
    void operator()(liq_attr* attr) const { liq_attr_destroy(attr); }
};
struct LiqHistogramDeleter {
    void operator()(liq_histogram* histogram) const { liq_histogram_destroy(histogram); }
};
struct LiqResultDeleter {
    void operator()(liq_result* result) const { liq_result_destroy(result); }
};
using LiqAttrPtr = std::unique_ptr<liq_attr, LiqAttrDeleter>;
using LiqHistogramPtr = std::unique_ptr<liq_histogram, LiqHistogramDeleter>;
using LiqResultPtr = std::unique_ptr<liq_result, LiqResultDeleter>;

// Floyd-Steinberg errors above this (squared, RGB 0..255) are damped so single outliers do not smear.
constexpr float kMaxDitherError2 = 3.0f * 32.0f * 32.0f;

inline float dist2(float r0, float g0, float b0, float r1, float g1, float b1) {
    const float dr = r0 - r1, dg = g0 - g1, db = b0 - b1;
    return dr * dr + dg * dg + db * db;
}

LiqAttrPtr makeAttr(int colorCount, int quality, int speed, QString* error) {
    LiqAttrPtr attr(liq_attr_create());
    if (!attr) {
        *error = QStringLiteral("libimagequant: out of memory");
        return nullptr;
    }
    if (liq_set_max_colors(attr.get(), std::clamp(colorCount, 2, 256)) != LIQ_OK ||
        liq_set_quality(attr.get(), 0, std::clamp(quality, 1, 100)) != LIQ_OK ||
        liq_set_speed(attr.get(), std::clamp(speed, 1, 10)) != LIQ_OK) {
        *error = QStringLiteral("libimagequant: invalid colour count %1 or quality %2").arg(colorCount).arg(quality);
        return nullptr;
    }
    return attr;
}

// libimagequant spreads k-means over OpenMP threads. On the small histograms of animation frames the thread
// start-up and spin-waiting cost more than they save, and on a busy machine (the encoder usually runs beside the
// UI or other jobs) oversubscribed OpenMP barriers made quantisation several times slower. So liq runs on the
// calling thread; the setting is per thread and restored afterwards.
class SingleThreadedOpenMp {
public:
    SingleThreadedOpenMp() : m_previous(omp_get_max_threads()) { omp_set_num_threads(1); }
    ~SingleThreadedOpenMp() { omp_set_num_threads(m_previous); }
    SingleThreadedOpenMp(const SingleThreadedOpenMp&) = delete;
    SingleThreadedOpenMp& operator=(const SingleThreadedOpenMp&) = delete;

private:
    int m_previous;
};

bool paletteFromHistogram(liq_histogram* histogram, liq_attr* attr, Palette* palette, QString* error) {
    const SingleThreadedOpenMp singleThreaded;
    liq_result* rawResult = nullptr;
    const liq_error status = liq_histogram_quantize(histogram, attr, &rawResult);
    LiqResultPtr result(rawResult);
    if (status != LIQ_OK || !result) {
        *error = QStringLiteral("libimagequant: quantisation failed (code %1)").arg(int(status));
        return false;
    }
    const liq_palette* liqPalette = liq_get_palette(result.get());
    palette->colors.clear();
    for (unsigned i = 0; i < liqPalette->count; ++i) {
        const liq_color& c = liqPalette->entries[i];
        palette->colors.append(qRgb(c.r, c.g, c.b));
    }
    palette->transparentIndex = -1;
    if (palette->colors.isEmpty()) {
        palette->colors.append(qRgb(0, 0, 0));
    }
    return true;
}

}  // namespace

ColorHistogram::ColorHistogram() : m_buckets(static_cast<Bucket*>(std::calloc(size_t(1) << 21, sizeof(Bucket)))) {}

void ColorHistogram::addFrame(const QImage& rgb888) {
    for (int y = 0; y < rgb888.height(); ++y) {
        const uchar* row = rgb888.constScanLine(y);
        for (int x = 0; x < rgb888.width(); ++x) {
            add(row + 3 * x);
        }
    }
}

void ColorHistogram::clear() {
    for (uint32_t key : m_used) {
        m_buckets[key] = Bucket{};
    }
    m_used.clear();
}

bool ColorHistogram::quantize(int colorCount, int quality, int speed, Palette* palette, QString* error) const {
    palette->colors.clear();
    palette->transparentIndex = -1;
    std::vector<liq_histogram_entry> entries;
    entries.reserve(m_used.size());
    for (uint32_t key : m_used) {
        const Bucket& b = m_buckets[key];
        const uint32_t half = b.count / 2;
        liq_histogram_entry entry;
        entry.color = liq_color{uchar((b.sumR + half) / b.count), uchar((b.sumG + half) / b.count),
                                uchar((b.sumB + half) / b.count), 255};
        entry.count = b.count;
        entries.push_back(entry);
    }
    if (entries.empty()) {
        palette->colors.append(qRgb(0, 0, 0));
        return true;
    }
    if (int(entries.size()) <= colorCount) {
        for (const liq_histogram_entry& e : entries) {
            palette->colors.append(qRgb(e.color.r, e.color.g, e.color.b));
        }
        return true;
    }
    LiqAttrPtr attr = makeAttr(colorCount, quality, speed, error);
    if (!attr) {
        return false;
    }
    LiqHistogramPtr histogram(liq_histogram_create(attr.get()));
    if (!histogram ||
        liq_histogram_add_colors(histogram.get(), attr.get(), entries.data(), int(entries.size()), 0) != LIQ_OK) {
        *error = QStringLiteral("libimagequant: cannot build the colour histogram");
        return false;
    }
    return paletteFromHistogram(histogram.get(), attr.get(), palette, error);
}

NearestColor::NearestColor(const Palette& palette)
    : m_cellStart(size_t(kCellsPerAxis) * kCellsPerAxis * kCellsPerAxis, -1), m_cellCount(m_cellStart.size(), 0) {
    const int n = palette.colors.size();
    m_rgb.reserve(size_t(n) * 3);
    for (QRgb c : palette.colors) {
        m_rgb.push_back(float(qRed(c)));
        m_rgb.push_back(float(qGreen(c)));
        m_rgb.push_back(float(qBlue(c)));
    }
    // Planar copies let buildCell() run as straight vector loops.
    m_planar.resize(size_t(n) * 3);
    for (int i = 0; i < n; ++i) {
        for (int c = 0; c < 3; ++c) {
            m_planar[size_t(c) * n + i] = m_rgb[3 * i + c];
        }
    }
    m_nearScratch.resize(n);
    m_farScratch.resize(n);
    m_candidates.reserve(4096);
}

void NearestColor::buildCell(int cell) {
    const int edge = 1 << kCellBits;
    const int n = int(m_rgb.size() / 3);
    const int coords[3] = {cell / (kCellsPerAxis * kCellsPerAxis), (cell / kCellsPerAxis) % kCellsPerAxis,
                           cell % kCellsPerAxis};
    float* nearDist = m_nearScratch.data();
    float* farDist = m_farScratch.data();
    std::fill(nearDist, nearDist + n, 0.0f);
    std::fill(farDist, farDist + n, 0.0f);
    for (int c = 0; c < 3; ++c) {
        // Lookups round to the nearest level, so the cell covers half a level beyond its integer range.
        const float low = float(coords[c] * edge) - 0.5f;
        const float high = low + float(edge);
        const float* v = m_planar.data() + size_t(c) * n;
        for (int i = 0; i < n; ++i) {
            const float below = std::max(low - v[i], 0.0f);
            const float above = std::max(v[i] - high, 0.0f);
            const float d = below + above;  // at most one of them is non-zero
            const float far = std::max(v[i] - low, high - v[i]);
            nearDist[i] += d * d;
            farDist[i] += far * far;
        }
    }
    float bestFar = std::numeric_limits<float>::max();
    for (int i = 0; i < n; ++i) {
        bestFar = std::min(bestFar, farDist[i]);
    }
    m_cellStart[cell] = int(m_candidates.size());
    int count = 0;
    for (int i = 0; i < n; ++i) {
        if (nearDist[i] <= bestFar) {
            m_candidates.push_back(uint8_t(i));
            ++count;
        }
    }
    m_cellCount[cell] = uint16_t(count);
}

int NearestColor::find(float r, float g, float b, float* distance2) {
    const int ri = std::clamp(int(r + 0.5f), 0, 255) >> kCellBits;
    const int gi = std::clamp(int(g + 0.5f), 0, 255) >> kCellBits;
    const int bi = std::clamp(int(b + 0.5f), 0, 255) >> kCellBits;
    const int cell = (ri * kCellsPerAxis + gi) * kCellsPerAxis + bi;
    if (m_cellStart[cell] < 0) {
        buildCell(cell);
    }
    const uint8_t* candidate = m_candidates.data() + m_cellStart[cell];
    const int count = m_cellCount[cell];
    float best = std::numeric_limits<float>::max();
    int bestIndex = 0;
    for (int k = 0; k < count; ++k) {
        const int i = candidate[k];
        const float d = dist2(r, g, b, m_rgb[3 * i], m_rgb[3 * i + 1], m_rgb[3 * i + 2]);
        if (d < best) {
            best = d;
            bestIndex = i;
        }
    }
    *distance2 = best;
    return bestIndex;
}

TemporalRemapper::TemporalRemapper(QSize size)
    : m_size(size),
      m_displayed(size_t(size.width()) * size.height() * 3, 0),
      m_drawnSource(size_t(size.width()) * size.height() * 3, 0) {}

void TemporalRemapper::addChangedPixels(const QImage& frame, float tolerance2, ColorHistogram* histogram) const {
    const int w = m_size.width();
    for (int y = 0; y < m_size.height(); ++y) {
        const uchar* src = frame.constScanLine(y);
        // Same test as keep rule 1 in remap(): pixels whose source moved beyond the tolerance since they were drawn.
        const uchar* drawnFrom = m_drawnSource.data() + size_t(y) * w * 3;
        for (int x = 0; x < w; ++x) {
            const uchar* s = src + 3 * x;
            const uchar* d = drawnFrom + 3 * x;
            if (!m_hasDisplayed || dist2(s[0], s[1], s[2], d[0], d[1], d[2]) > tolerance2) {
                histogram->add(s);
            }
        }
    }
}

RemappedFrame TemporalRemapper::remap(const QImage& frame, const Palette& palette, NearestColor& nearest,
                                      const RemapOptions& options) {
    const int w = m_size.width();
    const int h = m_size.height();
    const int transparent = palette.transparentIndex;
    const bool canKeep = m_hasDisplayed && transparent >= 0;
    const float level = std::clamp(options.ditherLevel, 0.0f, 1.0f);
    const float tolerance2 = std::max(0.0f, options.keepTolerance2);

    std::vector<float> palRgb(size_t(palette.colors.size()) * 3);
    for (int i = 0; i < palette.colors.size(); ++i) {
        palRgb[3 * i] = float(qRed(palette.colors[i]));
        palRgb[3 * i + 1] = float(qGreen(palette.colors[i]));
        palRgb[3 * i + 2] = float(qBlue(palette.colors[i]));
    }

    std::vector<uint8_t> indices(size_t(w) * h);
    // Two error rows with one guard cell on each side, three channels each.
    std::vector<float> errorRows(size_t(w + 2) * 3 * 2, 0.0f);
    float* thisErr = errorRows.data();
    float* nextErr = errorRows.data() + size_t(w + 2) * 3;
    int minX = w, minY = h, maxX = -1, maxY = -1;

    for (int y = 0; y < h; ++y) {
        std::fill(nextErr, nextErr + size_t(w + 2) * 3, 0.0f);
        const uchar* src = frame.constScanLine(y);
        uchar* shown = m_displayed.data() + size_t(y) * w * 3;
        uchar* drawnFrom = m_drawnSource.data() + size_t(y) * w * 3;
        uint8_t* out = indices.data() + size_t(y) * w;
        // Serpentine scan: alternating direction avoids the diagonal drift of one-way error diffusion.
        const bool leftToRight = (y % 2) == 0;
        for (int step = 0; step < w; ++step) {
            const int x = leftToRight ? step : w - 1 - step;
            const float sr = src[3 * x], sg = src[3 * x + 1], sb = src[3 * x + 2];
            float* e = thisErr + size_t(x + 1) * 3;
            float tr = sr, tg = sg, tb = sb;
            if (level > 0.0f) {
                tr = std::clamp(sr + e[0] * level, 0.0f, 255.0f);
                tg = std::clamp(sg + e[1] * level, 0.0f, 255.0f);
                tb = std::clamp(sb + e[2] * level, 0.0f, 255.0f);
            }
            // Keep what is shown (write the transparent index) when
            //  1. the source has not changed (within the tolerance) since the pixel was drawn: the shown colour is
            //     still the encoder's own choice for it, dither pattern included, so static areas never shimmer
            //     (checked first: it is the common case and needs no palette search);
            //  2. the shown colour is as good a match for the dithered target as any palette colour;
            //  3. the shown colour is no worse (plus tolerance) than the colour we would write.
            // Each rule bounds the extra error by the tolerance.
            bool keep = canKeep &&
                        dist2(sr, sg, sb, drawnFrom[3 * x], drawnFrom[3 * x + 1], drawnFrom[3 * x + 2]) <= tolerance2;
            int match = transparent;
            float outR = shown[3 * x], outG = shown[3 * x + 1], outB = shown[3 * x + 2];
            if (!keep) {
                float matchDist2 = 0.0f;
                match = nearest.find(tr, tg, tb, &matchDist2);
                const float pr = palRgb[3 * match], pg = palRgb[3 * match + 1], pb = palRgb[3 * match + 2];
                keep = canKeep && (dist2(tr, tg, tb, outR, outG, outB) <= matchDist2 ||
                                   dist2(sr, sg, sb, outR, outG, outB) <= dist2(sr, sg, sb, pr, pg, pb) + tolerance2);
                if (!keep) {
                    outR = pr;
                    outG = pg;
                    outB = pb;
                }
            }
            if (keep) {
                out[x] = uint8_t(transparent);
            } else {
                out[x] = uint8_t(match);
                shown[3 * x] = uchar(outR);
                shown[3 * x + 1] = uchar(outG);
                shown[3 * x + 2] = uchar(outB);
                drawnFrom[3 * x] = src[3 * x];
                drawnFrom[3 * x + 1] = src[3 * x + 1];
                drawnFrom[3 * x + 2] = src[3 * x + 2];
                minX = std::min(minX, x);
                maxX = std::max(maxX, x);
                minY = std::min(minY, y);
                maxY = std::max(maxY, y);
            }
            if (level > 0.0f) {
                // A kept pixel passes on only its own error against the source, not the error it received: in
                // static areas nothing corrects the received error, so passing it on would let it grow without
                // bound and burst out as a wrong colour at the next redrawn pixel.
                float er = keep ? sr - outR : tr - outR;
                float eg = keep ? sg - outG : tg - outG;
                float eb = keep ? sb - outB : tb - outB;
                if (er * er + eg * eg + eb * eb > kMaxDitherError2) {
                    er *= 0.75f;
                    eg *= 0.75f;
                    eb *= 0.75f;
                }
                // Floyd-Steinberg weights 7/16 ahead, 3/16, 5/16, 1/16 on the next row, mirrored when scanning left.
                const int ahead = leftToRight ? 1 : -1;
                float* aheadErr = thisErr + size_t(x + 1 + ahead) * 3;
                float* below = nextErr + size_t(x + 1) * 3;
                float* belowBehind = nextErr + size_t(x + 1 - ahead) * 3;
                float* belowAhead = nextErr + size_t(x + 1 + ahead) * 3;
                const float errs[3] = {er, eg, eb};
                for (int c = 0; c < 3; ++c) {
                    aheadErr[c] += errs[c] * (7.0f / 16.0f);
                    belowBehind[c] += errs[c] * (3.0f / 16.0f);
                    below[c] += errs[c] * (5.0f / 16.0f);
                    belowAhead[c] += errs[c] * (1.0f / 16.0f);
                }
            }
        }
        std::swap(thisErr, nextErr);
    }
    m_hasDisplayed = true;

    RemappedFrame result;
    result.usesTransparency = canKeep;
    if (maxX < 0) {
        // Nothing changed: GIF still needs an image to carry the delay, so write one transparent pixel.
        result.rect = QRect(0, 0, 1, 1);
        result.indices.assign(1, uint8_t(transparent));
        return result;
    }
    result.rect = QRect(QPoint(minX, minY), QPoint(maxX, maxY));
    result.indices.resize(size_t(result.rect.width()) * result.rect.height());
    for (int y = 0; y < result.rect.height(); ++y) {
        const uint8_t* srcRow = indices.data() + size_t(y + minY) * w + minX;
        std::copy(srcRow, srcRow + result.rect.width(), result.indices.data() + size_t(y) * result.rect.width());
    }
    return result;
}

}  // namespace sm::core::gif

#include "text/unicode.h"

#include <algorithm>
#include <utility>

#include "text/unicode_tables.h"

namespace sm::text::unicode {
namespace {

using tables::CodeRange;

constexpr char32_t kReplacement = 0xFFFD;

// Hangul syllables compose and decompose algorithmically (Unicode §3.12) instead of through the tables.
constexpr char32_t kHangulS = 0xAC00, kHangulL = 0x1100, kHangulV = 0x1161, kHangulT = 0x11A7;
constexpr char32_t kHangulLCount = 19, kHangulVCount = 21, kHangulTCount = 28;
constexpr char32_t kHangulNCount = kHangulVCount * kHangulTCount;  // 588
constexpr char32_t kHangulSCount = kHangulLCount * kHangulNCount;  // 11172

bool inRanges(const CodeRange* ranges, size_t count, char32_t c) {
    const CodeRange* end = ranges + count;
    // First range whose last >= c; c is inside when that range also starts at or before it.
    const CodeRange* it = std::lower_bound(ranges, end, c, [](const CodeRange& r, char32_t v) { return r.last < v; });
    return it != end && it->first <= c;
}

// The length of a well-formed UTF-8 sequence starting at `bytes[i]`, or 0 with `bad` = the length of the maximal
// ill-formed subpart (at least 1). Follows Unicode Table 3-7 (no overlongs, no surrogates, nothing above U+10FFFF).
size_t sequenceLength(std::string_view bytes, size_t i, char32_t& cp, size_t& bad) {
    const auto at = [&](size_t k) { return static_cast<unsigned char>(bytes[k]); };
    const unsigned char b0 = at(i);
    if (b0 < 0x80) {
        cp = b0;
        return 1;
    }
    size_t need = 0;
    unsigned char lo = 0x80, hi = 0xBF;  // the allowed range of the second byte
    if (b0 >= 0xC2 && b0 <= 0xDF) {
        need = 1;
        cp = b0 & 0x1F;
    } else if (b0 >= 0xE0 && b0 <= 0xEF) {
        need = 2;
        cp = b0 & 0x0F;
        if (b0 == 0xE0)
            lo = 0xA0;
        if (b0 == 0xED)
            hi = 0x9F;
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
        need = 3;
        cp = b0 & 0x07;
        if (b0 == 0xF0)
            lo = 0x90;
        if (b0 == 0xF4)
            hi = 0x8F;
    } else {
        bad = 1;
        return 0;
    }
    for (size_t k = 1; k <= need; ++k) {
        if (i + k >= bytes.size()) {
            bad = k;
            return 0;
        }
        const unsigned char b = at(i + k);
        const unsigned char low = k == 1 ? lo : 0x80;
        const unsigned char high = k == 1 ? hi : 0xBF;
        if (b < low || b > high) {
            bad = k;
            return 0;
        }
        cp = (cp << 6) | (b & 0x3F);
    }
    return need + 1;
}

// The mappings are stored as runs (e.g. every second code point of Latin Extended-A maps to the next one), which
// keeps the table at ~180 entries instead of ~1400 pairs.
char32_t lowerSimple(char32_t c) {
    const auto* end = tables::kLower + tables::kLowerCount;
    const auto* it =
        std::upper_bound(tables::kLower, end, c, [](char32_t v, const tables::LowerRun& r) { return v < r.first; });
    if (it == tables::kLower) {
        return c;
    }
    --it;
    if (c > it->last || (c - it->first) % it->stride != 0) {
        return c;
    }
    return static_cast<char32_t>(static_cast<int64_t>(c) + it->delta);
}

// CPython's handle_capital_sigma: Σ is final when a cased letter precedes it (skipping case-ignorables) and no
// cased letter follows it (skipping case-ignorables).
bool isFinalSigma(std::u32string_view text, size_t i) {
    size_t j = i;
    bool casedBefore = false;
    while (j > 0) {
        --j;
        if (!isCaseIgnorable(text[j])) {
            casedBefore = isCased(text[j]);
            break;
        }
    }
    if (!casedBefore) {
        return false;
    }
    for (size_t k = i + 1; k < text.size(); ++k) {
        if (!isCaseIgnorable(text[k])) {
            return !isCased(text[k]);
        }
    }
    return true;
}

void decomposeInto(char32_t c, std::u32string& out) {
    if (c >= kHangulS && c < kHangulS + kHangulSCount) {
        const char32_t s = c - kHangulS;
        out.push_back(kHangulL + s / kHangulNCount);
        out.push_back(kHangulV + (s % kHangulNCount) / kHangulTCount);
        if (s % kHangulTCount != 0) {
            out.push_back(kHangulT + s % kHangulTCount);
        }
        return;
    }
    const auto* end = tables::kDecomposition + tables::kDecompositionCount;
    const auto* it = std::lower_bound(tables::kDecomposition, end, c,
                                      [](const tables::Decomposition& d, char32_t v) { return d.code < v; });
    if (it != end && it->code == c) {
        out.append(tables::kDecompositionPool + it->offset, it->length);  // already fully decomposed
    } else {
        out.push_back(c);
    }
}

/// The primary composite of (first, second), or 0.
char32_t compose(char32_t first, char32_t second) {
    if (first >= kHangulL && first < kHangulL + kHangulLCount && second >= kHangulV &&
        second < kHangulV + kHangulVCount) {
        return kHangulS + ((first - kHangulL) * kHangulVCount + (second - kHangulV)) * kHangulTCount;
    }
    if (first >= kHangulS && first < kHangulS + kHangulSCount && (first - kHangulS) % kHangulTCount == 0 &&
        second > kHangulT && second < kHangulT + kHangulTCount) {
        return first + (second - kHangulT);
    }
    const auto* end = tables::kComposition + tables::kCompositionCount;
    const auto* it = std::lower_bound(tables::kComposition, end, std::make_pair(first, second),
                                      [](const tables::Composition& c, const std::pair<char32_t, char32_t>& key) {
                                          return c.first != key.first ? c.first < key.first : c.second < key.second;
                                      });
    if (it != end && it->first == first && it->second == second) {
        return it->composite;
    }
    return 0;
}

}  // namespace

const char* version() {
    return tables::kUnicodeVersion;
}

std::u32string fromUtf8(std::string_view utf8) {
    std::u32string out;
    out.reserve(utf8.size());
    size_t i = 0;
    while (i < utf8.size()) {
        char32_t cp = 0;
        size_t bad = 0;
        const size_t n = sequenceLength(utf8, i, cp, bad);
        if (n == 0) {
            out.push_back(kReplacement);
            i += bad;
        } else {
            out.push_back(cp);
            i += n;
        }
    }
    return out;
}

bool decodeUtf8Strict(std::string_view bytes, std::u32string& out) {
    out.clear();
    out.reserve(bytes.size());
    size_t i = 0;
    while (i < bytes.size()) {
        char32_t cp = 0;
        size_t bad = 0;
        const size_t n = sequenceLength(bytes, i, cp, bad);
        if (n == 0) {
            return false;
        }
        out.push_back(cp);
        i += n;
    }
    return true;
}

void appendUtf8(std::string& out, char32_t c) {
    if ((c >= 0xD800 && c <= 0xDFFF) || c > 0x10FFFF) {
        c = kReplacement;
    }
    if (c < 0x80) {
        out.push_back(static_cast<char>(c));
    } else if (c < 0x800) {
        out.push_back(static_cast<char>(0xC0 | (c >> 6)));
        out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    } else if (c < 0x10000) {
        out.push_back(static_cast<char>(0xE0 | (c >> 12)));
        out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    } else {
        out.push_back(static_cast<char>(0xF0 | (c >> 18)));
        out.push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    }
}

std::string toUtf8(std::u32string_view text) {
    std::string out;
    out.reserve(text.size());
    for (char32_t c : text) {
        appendUtf8(out, c);
    }
    return out;
}

bool isLetter(char32_t c) {
    return inRanges(tables::kLetter, tables::kLetterCount, c);
}
bool isNumber(char32_t c) {
    return inRanges(tables::kNumber, tables::kNumberCount, c);
}
bool isDecimal(char32_t c) {
    return inRanges(tables::kDecimal, tables::kDecimalCount, c);
}
bool isCased(char32_t c) {
    return inRanges(tables::kCased, tables::kCasedCount, c);
}
bool isCaseIgnorable(char32_t c) {
    return inRanges(tables::kCaseIgnorable, tables::kCaseIgnorableCount, c);
}

bool isWhiteSpace(char32_t c) {
    return (c >= 0x09 && c <= 0x0D) || c == 0x20 || c == 0x85 || c == 0xA0 || c == 0x1680 ||
           (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F || c == 0x3000;
}

bool isPythonSpace(char32_t c) {
    return isWhiteSpace(c) || (c >= 0x1C && c <= 0x1F);
}

bool isPythonWord(char32_t c) {
    return c == U'_' || isLetter(c) || isNumber(c);
}

uint8_t combiningClass(char32_t c) {
    const auto* end = tables::kCombining + tables::kCombiningCount;
    const auto* it = std::lower_bound(tables::kCombining, end, c,
                                      [](const tables::CombiningRun& r, char32_t v) { return r.last < v; });
    return it != end && it->first <= c ? it->ccc : 0;
}

std::u32string toLower(std::u32string_view text) {
    std::u32string out;
    out.reserve(text.size());
    for (size_t i = 0; i < text.size(); ++i) {
        const char32_t c = text[i];
        if (c == 0x3A3) {
            out.push_back(isFinalSigma(text, i) ? 0x3C2 : 0x3C3);
        } else if (c == 0x130) {
            // The one unconditional multi-code-point lower-case mapping (SpecialCasing.txt).
            out.push_back(U'i');
            out.push_back(0x307);
        } else {
            out.push_back(lowerSimple(c));
        }
    }
    return out;
}

std::u32string nfc(std::u32string_view text) {
    // ASCII text is NFC as it is (the common case for prompts).
    if (std::all_of(text.begin(), text.end(), [](char32_t c) { return c < 0x80; })) {
        return std::u32string(text);
    }
    // 1. Full canonical decomposition.
    std::u32string d;
    d.reserve(text.size() + 8);
    for (char32_t c : text) {
        decomposeInto(c, d);
    }
    // 2. Canonical ordering: a stable sort of each run of non-starters by combining class.
    for (size_t i = 0; i < d.size();) {
        if (combiningClass(d[i]) == 0) {
            ++i;
            continue;
        }
        size_t j = i;
        while (j < d.size() && combiningClass(d[j]) != 0) {
            ++j;
        }
        std::stable_sort(d.begin() + static_cast<std::ptrdiff_t>(i), d.begin() + static_cast<std::ptrdiff_t>(j),
                         [](char32_t a, char32_t b) { return combiningClass(a) < combiningClass(b); });
        i = j;
    }
    // 3. Canonical composition (the UAX #15 reference algorithm): a mark composes with the last starter unless a
    //    character in between has class 0 or a class >= its own ("blocked").
    if (d.empty()) {
        return d;
    }
    size_t starterPos = 0;
    char32_t starter = d[0];
    int lastClass = combiningClass(starter) == 0 ? 0 : 256;  // a leading mark has no starter to compose with
    size_t outPos = 1;
    for (size_t i = 1; i < d.size(); ++i) {
        const char32_t c = d[i];
        const int cls = combiningClass(c);
        const char32_t composite = compose(starter, c);
        if (composite != 0 && (lastClass < cls || lastClass == 0)) {
            d[starterPos] = composite;
            starter = composite;
            continue;
        }
        if (cls == 0) {
            starterPos = outPos;
            starter = c;
        }
        lastClass = cls;
        d[outPos++] = c;
    }
    d.resize(outPos);
    return d;
}

}  // namespace sm::text::unicode

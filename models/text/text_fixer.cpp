#include "text/text_fixer.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <initializer_list>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "text/unicode.h"
#include "text/unicode_tables.h"

namespace sm::text {
namespace {

constexpr size_t kMaxSegmentLength = 1000000;  // ftfy's max_decode_length
constexpr char32_t kReplacement = 0xFFFD;

// ------------------------------------------------------------------------------------------------------------------
// Character classes of ftfy's mojibake heuristic (badness.py MOJIBAKE_CATEGORIES and chardata.py UTF8_CLUES),
// expanded to code point ranges. One bit per class so a character's memberships are one table lookup.
enum MojibakeClass : uint32_t {
    kC1 = 1u << 0,
    kBad = 1u << 1,
    kCurrency = 1u << 2,
    kStartPunct = 1u << 3,
    kEndPunct = 1u << 4,
    kNumeric = 1u << 5,
    kKaomoji = 1u << 6,
    kUpperAccented = 1u << 7,
    kLowerAccented = 1u << 8,
    kUpperCommon = 1u << 9,
    kLowerCommon = 1u << 10,
    kBox = 1u << 11,
    kCommon = 1u << 12,
    kUtf8First2 = 1u << 13,      // letters that decode to lead bytes 0xC2..0xDF in a Latin-1-like encoding
    kUtf8First3 = 1u << 14,      // ... to 0xE0..0xEF
    kUtf8First4 = 1u << 15,      // ... to 0xF0 / 0xF3
    kUtf8Cont = 1u << 16,        // ... to continuation bytes 0x80..0xBF (and a space standing in for 0xA0)
    kUtf8ContStrict = 1u << 17,  // continuation letters that do not usually stand for themselves
};

struct ClassRanges {
    uint32_t bit;
    std::initializer_list<std::pair<char32_t, char32_t>> ranges;
};

const std::unordered_map<char32_t, uint32_t>& mojibakeClassTable() {
    static const std::unordered_map<char32_t, uint32_t> table = [] {
        // clang-format off
        const ClassRanges classes[] = {
            {kCommon, {{0xA0, 0xA0}, {0xAD, 0xAD}, {0xB4, 0xB4}, {0xB7, 0xB7}, {0x2013, 0x2015}, {0x2019, 0x2019},
                {0x2026, 0x2026}}},
            {kC1, {{0x80, 0x9F}}},
            {kBad, {{0xA4, 0xA4}, {0xA6, 0xA8}, {0xAA, 0xAA}, {0xAC, 0xAC}, {0xAF, 0xAF}, {0xB6, 0xB6}, {0xB8, 0xB8},
                {0xBA, 0xBA}, {0x192, 0x192}, {0x2C6, 0x2C7}, {0x2D8, 0x2D8}, {0x2DB, 0x2DC}, {0x2020, 0x2021},
                {0x2030, 0x2030}, {0x2310, 0x2310}, {0x25CA, 0x25CA}, {0xFFFD, 0xFFFD}}},
            {kCurrency, {{0xA2, 0xA3}, {0xA5, 0xA5}, {0x20A7, 0x20A7}, {0x20AC, 0x20AC}}},
            {kStartPunct, {{0xA1, 0xA1}, {0xA9, 0xA9}, {0xAB, 0xAB}, {0xBF, 0xBF}, {0x384, 0x385}, {0x2018, 0x2018},
                {0x201A, 0x201A}, {0x201C, 0x201C}, {0x201E, 0x201E}, {0x2022, 0x2022}, {0x2039, 0x2039},
                {0xF8FF, 0xF8FF}}},
            {kEndPunct, {{0xAE, 0xAE}, {0xBB, 0xBB}, {0x2DD, 0x2DD}, {0x201D, 0x201D}, {0x203A, 0x203A},
                {0x2122, 0x2122}}},
            {kNumeric, {{0xB1, 0xB3}, {0xB5, 0xB5}, {0xB9, 0xB9}, {0xBC, 0xBE}, {0xD7, 0xD7}, {0xF7, 0xF7},
                {0x2044, 0x2044}, {0x2116, 0x2116}, {0x2202, 0x2202}, {0x2206, 0x2206}, {0x220F, 0x220F},
                {0x2211, 0x2211}, {0x221A, 0x221A}, {0x221E, 0x221E}, {0x2229, 0x2229}, {0x222B, 0x222B},
                {0x2248, 0x2248}, {0x2260, 0x2261}, {0x2264, 0x2265}}},
            {kKaomoji, {{0xB0, 0xB0}, {0xD2, 0xD6}, {0xD9, 0xDC}, {0xF2, 0xF6}, {0xF8, 0xFC}, {0x150, 0x150}}},
            {kUpperAccented, {{0xC0, 0xD1}, {0xD8, 0xD8}, {0xDC, 0xDD}, {0x102, 0x102}, {0x104, 0x104},
                {0x106, 0x106}, {0x10C, 0x10C}, {0x10E, 0x10E}, {0x110, 0x110}, {0x118, 0x118}, {0x11A, 0x11A},
                {0x11E, 0x11E}, {0x130, 0x130}, {0x139, 0x139}, {0x13D, 0x13D}, {0x141, 0x141}, {0x143, 0x143},
                {0x147, 0x147}, {0x152, 0x152}, {0x158, 0x158}, {0x15A, 0x15A}, {0x15E, 0x15E}, {0x160, 0x160},
                {0x162, 0x162}, {0x164, 0x164}, {0x16E, 0x16E}, {0x170, 0x170}, {0x178, 0x179}, {0x17B, 0x17B},
                {0x17D, 0x17D}, {0x490, 0x490}}},
            {kLowerAccented, {{0xDF, 0xF1}, {0xFC, 0xFC}, {0x103, 0x103}, {0x105, 0x105}, {0x107, 0x107},
                {0x10D, 0x10D}, {0x10F, 0x10F}, {0x111, 0x111}, {0x119, 0x119}, {0x11B, 0x11B}, {0x11F, 0x11F},
                {0x13A, 0x13A}, {0x13E, 0x13E}, {0x142, 0x142}, {0x153, 0x153}, {0x155, 0x155}, {0x15B, 0x15B},
                {0x15F, 0x15F}, {0x161, 0x161}, {0x165, 0x165}, {0x17A, 0x17A}, {0x17C, 0x17C}, {0x17E, 0x17E},
                {0x491, 0x491}, {0xFB01, 0xFB02}}},
            {kUpperCommon, {{0xDE, 0xDE}, {0x386, 0x386}, {0x388, 0x38A}, {0x38C, 0x38C}, {0x38E, 0x38F},
                {0x391, 0x3AB}, {0x401, 0x42F}}},
            {kLowerCommon, {{0x3AC, 0x3C9}, {0x430, 0x45F}}},
            {kBox, {{0x2502, 0x2502}, {0x250C, 0x250C}, {0x2510, 0x2510}, {0x2518, 0x2518}, {0x251C, 0x251C},
                {0x2524, 0x2524}, {0x252C, 0x252C}, {0x253C, 0x253C}, {0x2550, 0x256C}, {0x2580, 0x2580},
                {0x2584, 0x2584}, {0x2588, 0x2588}, {0x258C, 0x258C}, {0x2590, 0x2593}}},
            {kUtf8First2, {{0xC2, 0xDF}, {0x102, 0x102}, {0x106, 0x106}, {0x10C, 0x10C}, {0x10E, 0x10E},
                {0x110, 0x110}, {0x118, 0x118}, {0x11A, 0x11A}, {0x11E, 0x11E}, {0x130, 0x130}, {0x139, 0x139},
                {0x143, 0x143}, {0x147, 0x147}, {0x150, 0x150}, {0x158, 0x158}, {0x15E, 0x15E}, {0x162, 0x162},
                {0x16E, 0x16E}, {0x170, 0x170}, {0x392, 0x3A1}, {0x3A3, 0x3AF}, {0x412, 0x42F}}},
            {kUtf8First3, {{0xE0, 0xEF}, {0x103, 0x103}, {0x107, 0x107}, {0x10D, 0x10D}, {0x10F, 0x10F},
                {0x119, 0x119}, {0x11B, 0x11B}, {0x13A, 0x13A}, {0x155, 0x155}, {0x3B0, 0x3BF}, {0x430, 0x43F}}},
            {kUtf8First4, {{0xF0, 0xF0}, {0xF3, 0xF3}, {0x111, 0x111}, {0x11F, 0x11F}, {0x3C0, 0x3C0}, {0x3C3, 0x3C3},
                {0x440, 0x440}, {0x443, 0x443}}},
            {kUtf8Cont | kUtf8ContStrict, {{0x80, 0xBF}, {0x104, 0x105}, {0x13D, 0x13E}, {0x141, 0x142},
                {0x152, 0x153}, {0x15A, 0x15B}, {0x15E, 0x161}, {0x164, 0x165}, {0x178, 0x17E}, {0x192, 0x192},
                {0x2C6, 0x2C7}, {0x2D8, 0x2D8}, {0x2DB, 0x2DD}, {0x384, 0x386}, {0x388, 0x38A}, {0x38C, 0x38C},
                {0x38E, 0x38F}, {0x401, 0x40C}, {0x40E, 0x40F}, {0x451, 0x45C}, {0x45E, 0x45F}, {0x490, 0x491},
                {0x2020, 0x2022}, {0x2030, 0x2030}, {0x2039, 0x203A}, {0x20AC, 0x20AC}, {0x2116, 0x2116},
                {0x2122, 0x2122}}},
            // The loose continuation class also accepts spaces, dashes, quotes and the ellipsis.
            {kUtf8Cont, {{0x20, 0x20}, {0x2013, 0x2015}, {0x2018, 0x201A}, {0x201C, 0x201E}, {0x2026, 0x2026}}},
        };
        // clang-format on
        std::unordered_map<char32_t, uint32_t> map;
        for (const ClassRanges& cls : classes) {
            for (const auto& [first, last] : cls.ranges) {
                for (char32_t c = first; c <= last; ++c) {
                    map[c] |= cls.bit;
                }
            }
        }
        return map;
    }();
    return table;
}

std::vector<uint32_t> classesOf(std::u32string_view text) {
    const auto& table = mojibakeClassTable();
    std::vector<uint32_t> masks(text.size(), 0);
    for (size_t i = 0; i < text.size(); ++i) {
        const auto it = table.find(text[i]);
        if (it != table.end()) {
            masks[i] = it->second;
        }
    }
    return masks;
}

/// One position of ftfy's BADNESS_RE: whether any of its alternatives matches at `i` (the regex is only ever
/// searched for a first match, so the order of the alternatives does not matter here).
class BadnessMatcher {
public:
    BadnessMatcher(std::u32string_view text, const std::vector<uint32_t>& masks) : m_t(text), m_m(masks) {}

    bool matchesAt(size_t i) const {
        constexpr uint32_t kAccentedEtc =
            kLowerAccented | kUpperAccented | kBox | kStartPunct | kEndPunct | kCurrency | kNumeric;
        constexpr uint32_t kArabicFollower = kCommon | kCurrency | kBad | kNumeric | kStartPunct;
        constexpr uint32_t kCyrillicMiddle = kC1 | kBad | kStartPunct | kEndPunct | kCurrency;
        // C1 controls have no use outside mojibake any more.
        if (has(i, kC1))
            return true;
        // Juxtapositions of categories that real text in any language avoids (an accented letter followed by a
        // currency sign, a box-drawing character next to punctuation, ...), in the order of BADNESS_RE.
        if (has(i, kBad | kAccentedEtc) && has(i + 1, kBad))
            return true;
        if (asciiLetter(i) && has(i + 1, kLowerCommon | kUpperCommon) && has(i + 2, kBad))
            return true;
        if (has(i, kBad) && has(i + 1, kAccentedEtc))
            return true;
        if (has(i, kLowerAccented | kLowerCommon | kBox | kEndPunct | kCurrency | kNumeric) &&
            has(i + 1, kUpperAccented))
            return true;
        if (has(i, kBox | kEndPunct | kCurrency | kNumeric) && has(i + 1, kLowerAccented))
            return true;
        if (has(i, kLowerAccented | kBox | kEndPunct) && has(i + 1, kCurrency))
            return true;
        if (pySpace(i) && has(i + 1, kUpperAccented) && has(i + 2, kCurrency))
            return true;
        if (has(i, kUpperAccented | kBox) && has(i + 1, kNumeric))
            return true;
        if (has(i, kLowerAccented | kUpperAccented | kBox | kCurrency | kEndPunct) && has(i + 1, kStartPunct) &&
            has(i + 2, kNumeric))
            return true;
        if (has(i, kLowerAccented | kUpperAccented | kCurrency | kNumeric | kBox) && has(i + 1, kEndPunct) &&
            has(i + 2, kStartPunct))
            return true;
        if (has(i, kCurrency | kNumeric | kBox) && has(i + 1, kStartPunct))
            return true;
        if (asciiLower(i) && has(i + 1, kUpperAccented) && has(i + 2, kStartPunct | kCurrency))
            return true;
        if (has(i, kBox) && has(i + 1, kKaomoji))
            return true;
        if (has(i, kLowerAccented | kUpperAccented | kCurrency | kNumeric | kStartPunct | kEndPunct) &&
            has(i + 1, kBox))
            return true;
        if (has(i, kBox) && has(i + 1, kEndPunct))
            return true;
        if (has(i, kLowerAccented | kUpperAccented) && has(i + 1, kEndPunct) && i + 2 < m_t.size() &&
            unicode::isPythonWord(m_t[i + 2]))
            return true;
        // The ligature œ when not followed by an unaccented Latin letter.
        if (oneOf(i, U"\u0152\u0153") && i + 1 < m_t.size() && !asciiLetter(i + 1))
            return true;
        // Common Windows-1252 two-character mojibake not covered above.
        if (oneOf(i, U"\u00C2\u00C3\u00CE\u00D0") &&
            (oneOf(i + 1,
                   U"\u20AC\u0160\u0161\u00A2\u00A3\u0178\u017E\u00A0\u00AD\u00AE\u00A9\u00B0\u00B7\u00BB"
                   U"\u2013\u2014\u00B4") ||
             has(i + 1, kStartPunct | kEndPunct)))
            return true;
        if (is(i, 0xD7) && oneOf(i + 1, U"\u00B2\u00B3"))
            return true;
        // Windows-1252 mojibake of Arabic: four characters.
        if (oneOf(i, U"\u00D8\u00D9") && arabicFollower(i + 1, kArabicFollower) && oneOf(i + 2, U"\u00D8\u00D9") &&
            arabicFollower(i + 3, kArabicFollower))
            return true;
        if (is(i, 0xE0) && oneOf(i + 1, U"\u00B2\u00B5\u00B9\u00BC\u00BD\u00BE"))
            return true;
        // MacRoman mojibake.
        if (is(i, 0x221A) && oneOf(i + 1, U"\u00B1\u2202\u2020\u2260\u00AE\u2122\u00B4\u2264\u2265\u00A5\u00B5\u00F8"))
            return true;
        if (is(i, 0x2248) && oneOf(i + 1, U"\u00B0\u00A2"))
            return true;
        if (is(i, 0x201A) && is(i + 1, 0xC4) &&
            oneOf(i + 2, U"\u00EC\u00EE\u00EF\u00F2\u00F4\u00FA\u00F9\u00FB\u2020\u00B0\u00A2\u03C0"))
            return true;
        if (is(i, 0x201A) && oneOf(i + 1, U"\u00E2\u00F3") && oneOf(i + 2, U"\u00E0\u00E4\u00B0\u00EA"))
            return true;
        // Windows-1251 mojibake.
        if (is(i, 0x432) && is(i + 1, 0x402))
            return true;
        if (oneOf(i, U"\u0412\u0413\u0420\u0421") && (has(i + 1, kCyrillicMiddle) || oneOf(i + 1, U"\u00B0\u00B5")) &&
            oneOf(i + 2, U"\u0412\u0413\u0420\u0421"))
            return true;
        if (is(i, 0x413) && is(i + 1, 0x45E) && is(i + 2, 0x412) && is(i + 3, 0x402) && is(i + 4, 0x412) &&
            i + 5 < m_t.size() && m_t[i + 5] != U'\n' && i + 6 < m_t.size() && (asciiLetter(i + 6) || is(i + 6, ' ')))
            return true;
        // Windows-1252 encodings of 'à' and 'á', and of U+00A0 itself.
        if (is(i, 0xC3) && oneOf(i + 1, U"\u00A0\u00A1"))
            return true;
        if (asciiLower(i)) {
            if (pySpace(i + 1) && oneOf(i + 2, U"\u00C3\u00C2") && is(i + 3, ' '))
                return true;
            if (oneOf(i + 1, U"\u00C3\u00C2") && is(i + 2, ' '))
                return true;
        }
        if (i == 0 && oneOf(0, U"\u00C3\u00C2") && is(1, ' '))
            return true;
        // Â before a character that it encodes as exactly the same character.
        if ((asciiLower(i) || oneOf(i, U".,?!") || has(i, kEndPunct)) && is(i + 1, 0xC2) &&
            (is(i + 2, ' ') || has(i + 2, kStartPunct | kEndPunct)))
            return true;
        // Windows-1253 mojibake.
        if (is(i, 0x3B2) && is(i + 1, 0x20AC) && oneOf(i + 2, U"\u2122\u00A0\u0386\u00AD\u00AE\u00B0"))
            return true;
        if (oneOf(i, U"\u0392\u0393\u039E\u039F") && (has(i + 1, kCyrillicMiddle) || is(i + 1, 0xB0)) &&
            oneOf(i + 2, U"\u0392\u0393\u039E\u039F"))
            return true;
        return false;
    }

private:
    bool has(size_t k, uint32_t bits) const { return k < m_t.size() && (m_m[k] & bits) != 0; }
    bool is(size_t k, char32_t c) const { return k < m_t.size() && m_t[k] == c; }
    bool oneOf(size_t k, std::u32string_view set) const {
        return k < m_t.size() && set.find(m_t[k]) != std::u32string_view::npos;
    }
    bool asciiLower(size_t k) const { return k < m_t.size() && m_t[k] >= U'a' && m_t[k] <= U'z'; }
    bool asciiLetter(size_t k) const {
        return k < m_t.size() && ((m_t[k] >= U'a' && m_t[k] <= U'z') || (m_t[k] >= U'A' && m_t[k] <= U'Z'));
    }
    bool pySpace(size_t k) const { return k < m_t.size() && unicode::isPythonSpace(m_t[k]); }
    bool arabicFollower(size_t k, uint32_t bits) const {
        return has(k, bits) || oneOf(k, U"\u0178\u0160\u00AE\u00B0\u00B5\u00BB");
    }

    std::u32string_view m_t;
    const std::vector<uint32_t>& m_m;
};

bool isBad(std::u32string_view text) {
    const std::vector<uint32_t> masks = classesOf(text);
    const BadnessMatcher matcher(text, masks);
    for (size_t i = 0; i < text.size(); ++i) {
        if (matcher.matchesAt(i)) {
            return true;
        }
    }
    return false;
}

// ------------------------------------------------------------------------------------------------------------------
// Single-byte re-encoding.

bool isAscii(std::u32string_view text) {
    return std::all_of(text.begin(), text.end(), [](char32_t c) { return c < 0x80; });
}

/// Reverse maps (character -> byte 0x80..0xFF) of the tables' charmaps.
const std::vector<std::unordered_map<char32_t, unsigned char>>& charmapEncoders() {
    static const std::vector<std::unordered_map<char32_t, unsigned char>> encoders = [] {
        std::vector<std::unordered_map<char32_t, unsigned char>> out(tables::kCharmapCount);
        for (size_t e = 0; e < tables::kCharmapCount; ++e) {
            for (int b = 0; b < 128; ++b) {
                out[e].emplace(tables::kCharmaps[e].high[b], static_cast<unsigned char>(0x80 + b));
            }
        }
        return out;
    }();
    return encoders;
}

/// chardata.possible_encoding + str.encode in one pass: false when a character has no byte in the encoding.
bool encodeSingleByte(std::u32string_view text, size_t charmap, std::string& bytes) {
    const tables::Charmap& map = tables::kCharmaps[charmap];
    const auto& encoder = charmapEncoders()[charmap];
    bytes.clear();
    bytes.reserve(text.size());
    for (char32_t c : text) {
        if (c < 0x80 && c != 0x1A) {
            bytes.push_back(static_cast<char>(c));
        } else if (c == map.sub1A) {
            bytes.push_back('\x1A');
        } else {
            const auto it = encoder.find(c);
            if (it == encoder.end()) {
                return false;
            }
            bytes.push_back(static_cast<char>(it->second));
        }
    }
    return true;
}

/// A set of bytes for the small byte-level regexes below.
class ByteSet {
public:
    ByteSet(std::initializer_list<std::pair<int, int>> ranges) {
        for (const auto& [lo, hi] : ranges) {
            for (int b = lo; b <= hi; ++b) {
                m_bits[static_cast<size_t>(b)] = true;
            }
        }
    }
    bool contains(unsigned char b) const { return m_bits[b]; }

private:
    std::array<bool, 256> m_bits{};
};

using BytePattern = std::vector<ByteSet>;

bool matchesAt(const std::string& bytes, size_t i, const BytePattern& pattern) {
    if (i + pattern.size() > bytes.size()) {
        return false;
    }
    for (size_t k = 0; k < pattern.size(); ++k) {
        if (!pattern[k].contains(static_cast<unsigned char>(bytes[i + k]))) {
            return false;
        }
    }
    return true;
}

/// Length of the first alternative matching at `i`, or 0 (Python's leftmost-first alternation).
size_t firstMatch(const std::string& bytes, size_t i, const std::vector<BytePattern>& alternatives) {
    for (const BytePattern& p : alternatives) {
        if (matchesAt(bytes, i, p)) {
            return p.size();
        }
    }
    return 0;
}

const ByteSet kSpace{{0x20, 0x20}};
const ByteSet kCont{{0x80, 0xBF}};

// chardata.ALTERED_UTF8_RE: UTF-8 that would be valid if a space were the byte 0xA0 it replaced.
const std::vector<BytePattern>& alteredUtf8() {
    static const ByteSet lead2{{0xC2, 0xC3}, {0xC5, 0xC5}, {0xCE, 0xCE}, {0xD0, 0xD0}, {0xD9, 0xD9}};
    static const ByteSet notA0{{0x80, 0x84}, {0x86, 0x9F}, {0xA1, 0xBF}};
    static const std::vector<BytePattern> alternatives = {
        {lead2, kSpace},
        {ByteSet{{0xE2, 0xE3}}, kSpace, notA0},
        {ByteSet{{0xE0, 0xE3}}, notA0, kSpace},
        {ByteSet{{0xF0, 0xF0}}, kSpace, kCont, kCont},
        {ByteSet{{0xF0, 0xF0}}, kCont, kSpace, kCont},
        {ByteSet{{0xF0, 0xF0}}, kCont, kCont, kSpace},
    };
    return alternatives;
}

// chardata.LOSSY_UTF8_RE: UTF-8 sequences whose continuation bytes were lost (0x1A stands for U+FFFD; '?' may
// stand in once).
const std::vector<BytePattern>& lossyUtf8() {
    static const ByteSet sub{{0x1A, 0x1A}};
    static const ByteSet subQ{{0x1A, 0x1A}, {'?', '?'}};
    static const ByteSet subCont{{0x1A, 0x1A}, {0x80, 0xBF}};
    static const ByteSet subQCont{{0x1A, 0x1A}, {'?', '?'}, {0x80, 0xBF}};
    static const ByteSet ed{{0xED, 0xED}};
    static const ByteSet high{{0xA0, 0xAF}};
    static const ByteSet low{{0xB0, 0xBF}};
    static const ByteSet lead3{{0xE0, 0xEF}};
    static const ByteSet lead4{{0xF0, 0xF4}};
    static const std::vector<BytePattern> alternatives = {
        {ByteSet{{0xC2, 0xDF}}, sub},
        {ByteSet{{0xC2, 0xC3}}, ByteSet{{'?', '?'}}},
        {ed, high, subQ, ed, low, subQCont},
        {ed, high, subQCont, ed, low, subQ},
        {lead3, subQ, subCont},
        {lead3, subCont, subQ},
        {lead4, subQ, subCont, subCont},
        {lead4, subCont, subQ, subCont},
        {lead4, subCont, subCont, subQ},
        {sub},
    };
    return alternatives;
}

bool containsAlteredUtf8(const std::string& bytes) {
    for (size_t i = 0; i < bytes.size(); ++i) {
        if (firstMatch(bytes, i, alteredUtf8()) != 0) {
            return true;
        }
    }
    return false;
}

/// fixes.restore_byte_a0: puts back 0xA0 bytes that were turned into spaces inside UTF-8 sequences.
std::string restoreByteA0(const std::string& bytes) {
    // A_GRAVE_WORD_RE: "\xc3 " not followed by " ", "quele", "quela", "quilo" or "s " is "à" followed by a space.
    std::string graved;
    for (size_t i = 0; i < bytes.size(); ++i) {
        if (bytes[i] == '\xC3' && i + 1 < bytes.size() && bytes[i + 1] == ' ') {
            const std::string_view rest = std::string_view(bytes).substr(i + 2);
            const bool exception = rest.rfind(' ', 0) == 0 || rest.rfind("quele", 0) == 0 ||
                                   rest.rfind("quela", 0) == 0 || rest.rfind("quilo", 0) == 0 ||
                                   rest.rfind("s ", 0) == 0;
            if (!exception) {
                graved += "\xC3\xA0 ";
                ++i;
                continue;
            }
        }
        graved.push_back(bytes[i]);
    }
    std::string out;
    for (size_t i = 0; i < graved.size();) {
        const size_t n = firstMatch(graved, i, alteredUtf8());
        if (n == 0) {
            out.push_back(graved[i++]);
            continue;
        }
        for (size_t k = 0; k < n; ++k) {
            out.push_back(graved[i + k] == ' ' ? '\xA0' : graved[i + k]);
        }
        i += n;
    }
    return out;
}

/// fixes.replace_lossy_sequences: lossy UTF-8 sequences become the UTF-8 of U+FFFD.
std::string replaceLossySequences(const std::string& bytes) {
    std::string out;
    for (size_t i = 0; i < bytes.size();) {
        const size_t n = firstMatch(bytes, i, lossyUtf8());
        if (n == 0) {
            out.push_back(bytes[i++]);
        } else {
            out += "\xEF\xBF\xBD";
            i += n;
        }
    }
    return out;
}

/// ftfy's "utf-8-variants" codec: UTF-8 plus CESU-8 surrogate pairs and Java's C0 80 for U+0000.
bool decodeUtf8Variants(const std::string& bytes, std::u32string& out) {
    out.clear();
    std::string plain;  // a run of ordinary UTF-8 waiting to be decoded strictly
    std::u32string decoded;
    const auto flush = [&]() {
        if (plain.empty()) {
            return true;
        }
        if (!unicode::decodeUtf8Strict(plain, decoded)) {
            return false;
        }
        out += decoded;
        plain.clear();
        return true;
    };
    const auto at = [&](size_t k) { return static_cast<unsigned char>(bytes[k]); };
    for (size_t i = 0; i < bytes.size();) {
        if (at(i) == 0xC0 && i + 1 < bytes.size() && at(i + 1) == 0x80) {
            if (!flush())
                return false;
            out.push_back(0);
            i += 2;
        } else if (at(i) == 0xED && i + 5 < bytes.size() && at(i + 1) >= 0xA0 && at(i + 1) <= 0xAF &&
                   at(i + 2) >= 0x80 && at(i + 2) <= 0xBF && at(i + 3) == 0xED && at(i + 4) >= 0xB0 &&
                   at(i + 4) <= 0xBF && at(i + 5) >= 0x80 && at(i + 5) <= 0xBF) {
            if (!flush())
                return false;
            out.push_back(static_cast<char32_t>(((at(i + 1) & 0x0F) << 16) + ((at(i + 2) & 0x3F) << 10) +
                                                ((at(i + 4) & 0x0F) << 6) + (at(i + 5) & 0x3F) + 0x10000));
            i += 6;
        } else {
            plain.push_back(bytes[i++]);
        }
    }
    return flush();
}

const tables::Charmap& sloppyWindows1252() {
    static const tables::Charmap& map =
        *std::find_if(tables::kCharmaps, tables::kCharmaps + tables::kCharmapCount,
                      [](const tables::Charmap& m) { return std::strcmp(m.name, "sloppy-windows-1252") == 0; });
    return map;
}

/// fixes.fix_c1_controls: C1 controls are read as the Windows-1252 characters they stand for, as browsers do.
std::u32string fixC1Controls(std::u32string_view text) {
    std::u32string out(text);
    for (char32_t& c : out) {
        if (c >= 0x80 && c <= 0x9F) {
            c = sloppyWindows1252().high[c - 0x80];
        }
    }
    return out;
}

/// The UTF8_DETECTOR_RE match at `i` (without its look-behind): a run of what look like UTF-8 sequences decoded
/// in a Latin-1-like encoding. Returns its length, 0 for none.
size_t utf8LookalikeLength(std::u32string_view text, const std::vector<uint32_t>& masks, size_t i) {
    const auto has = [&](size_t k, uint32_t bit) { return k < text.size() && (masks[k] & bit) != 0; };
    size_t j = i;
    while (true) {
        if (has(j, kUtf8First2) && has(j + 1, kUtf8Cont)) {
            j += 2;
        } else if (has(j, kUtf8First3) && has(j + 1, kUtf8Cont) && has(j + 2, kUtf8Cont)) {
            j += 3;
        } else if (has(j, kUtf8First4) && has(j + 1, kUtf8Cont) && has(j + 2, kUtf8Cont) && has(j + 3, kUtf8Cont)) {
            j += 4;
        } else {
            return j - i;
        }
    }
}

/// fixes.decode_inconsistent_utf8: fixes UTF-8 mojibake embedded in otherwise different text.
std::u32string decodeInconsistentUtf8(std::u32string_view text, bool& matched) {
    const std::vector<uint32_t> masks = classesOf(text);
    std::u32string out;
    matched = false;
    for (size_t i = 0; i < text.size();) {
        // Look-behind: the previous character must not be a strict continuation character.
        const bool afterContinuation = i > 0 && (masks[i - 1] & kUtf8ContStrict) != 0;
        const size_t n = afterContinuation ? 0 : utf8LookalikeLength(text, masks, i);
        if (n == 0) {
            out.push_back(text[i++]);
            continue;
        }
        matched = true;
        const std::u32string_view piece = text.substr(i, n);
        if (piece.size() < text.size() && isBad(piece)) {
            out += fixEncoding(piece);
        } else {
            out += piece;
        }
        i += n;
    }
    return out;
}

/// One step of ftfy's _fix_encoding_one_step_and_explain; returns the text unchanged when it cannot improve it.
std::u32string fixEncodingOneStep(std::u32string_view text) {
    if (text.empty() || isAscii(text) || !isBad(text)) {
        return std::u32string(text);
    }
    bool latin1Possible = false;
    std::string bytes;
    std::u32string decoded;
    // Mojibake is usually UTF-8 decoded as a single-byte encoding: re-encode and decode as UTF-8.
    for (size_t e = 0; e < tables::kCharmapCount; ++e) {
        if (!encodeSingleByte(text, e, bytes)) {
            continue;
        }
        if (e == 0) {
            latin1Possible = true;
        }
        if (containsAlteredUtf8(bytes)) {
            bytes = restoreByteA0(bytes);
        }
        if (tables::kCharmaps[e].sloppy) {
            bytes = replaceLossySequences(bytes);
        }
        const bool variants = bytes.find('\xED') != std::string::npos || bytes.find('\xC0') != std::string::npos;
        const bool ok = variants ? decodeUtf8Variants(bytes, decoded) : unicode::decodeUtf8Strict(bytes, decoded);
        if (ok) {
            return decoded;
        }
    }
    // UTF-8 mojibake embedded in text that as a whole does not re-encode.
    bool matched = false;
    std::u32string fixed = decodeInconsistentUtf8(text, matched);
    if (matched && fixed != text) {
        return fixed;
    }
    // Latin-1 meant as Windows-1252. (ftfy checks for "windows-1252" among the possible encodings first, a name that
    // never occurs there, so that branch is dead and this one always runs for Latin-1 text.)
    if (latin1Possible) {
        fixed.assign(text);
        bool decodable = true;
        for (char32_t& c : fixed) {
            if (c >= 0x80 && c <= 0xFF) {
                const char32_t mapped = tables::kWindows1252Strict[c - 0x80];
                if (mapped == 0) {
                    decodable = false;
                    break;
                }
                c = mapped;
            }
        }
        if (decodable && fixed != text) {
            return fixed;
        }
    }
    if (std::any_of(text.begin(), text.end(), [](char32_t c) { return c >= 0x80 && c <= 0x9F; })) {
        return fixC1Controls(text);
    }
    return std::u32string(text);
}

// ------------------------------------------------------------------------------------------------------------------
// The other fixers.

const tables::HtmlEntity* findEntity(const std::string& name) {
    const auto* end = tables::kHtmlEntities + tables::kHtmlEntityCount;
    const auto* it = std::lower_bound(
        tables::kHtmlEntities, end, name,
        [](const tables::HtmlEntity& e, const std::string& v) { return std::strcmp(e.name, v.c_str()) < 0; });
    return it != end && name == it->name ? it : nullptr;
}

bool isAsciiAlnum(char32_t c) {
    return (c >= U'0' && c <= U'9') || (c >= U'a' && c <= U'z') || (c >= U'A' && c <= U'Z');
}
bool isHexDigit(char32_t c) {
    return (c >= U'0' && c <= U'9') || (c >= U'a' && c <= U'f') || (c >= U'A' && c <= U'F');
}

/// What html.unescape() makes of the numeric reference "&#<body>;" (body: decimal digits, or x/X and hex digits),
/// in `out`. False when the body is anything else: html.unescape would then decode at most a prefix and leave the
/// ';' behind, and ftfy keeps such a reference as it is.
bool numericReference(std::u32string_view body, std::u32string& out) {
    bool hex = false;
    if (!body.empty() && (body[0] == U'x' || body[0] == U'X')) {
        hex = true;
        body.remove_prefix(1);
    }
    if (body.empty()) {
        return false;
    }
    uint64_t value = 0;
    bool huge = false;
    for (char32_t c : body) {
        if (hex ? !isHexDigit(c) : !(c >= U'0' && c <= U'9')) {
            return false;  // html.unescape decodes only a prefix; the rest (with ';') stays, so ftfy keeps it all
        }
        const uint64_t digit = c <= U'9' ? c - U'0' : (c | 0x20) - U'a' + 10;
        value = value * (hex ? 16 : 10) + digit;
        if (value > 0x10FFFF) {
            huge = true;
            value = 0x110000;  // saturate: every larger number decodes the same way
        }
    }
    out.clear();
    if (!huge && value <= 0x9F && (value == 0 || value == 0x0D || value >= 0x80)) {
        // html._invalid_charrefs: NUL -> U+FFFD, CR stays, 0x80..0x9F as in Windows-1252.
        out.push_back(value == 0                                      ? kReplacement
                      : value == 0x0D                                 ? U'\r'
                      : tables::kWindows1252Strict[value - 0x80] != 0 ? tables::kWindows1252Strict[value - 0x80]
                                                                      : static_cast<char32_t>(value));
        return true;
    }
    if (huge || (value >= 0xD800 && value <= 0xDFFF)) {
        out.push_back(kReplacement);
        return true;
    }
    const bool invalid = (value >= 0x1 && value <= 0x8) || value == 0xB || (value >= 0xE && value <= 0x1F) ||
                         value == 0x7F || (value >= 0xFDD0 && value <= 0xFDEF) || (value & 0xFFFE) == 0xFFFE;
    if (!invalid) {
        out.push_back(static_cast<char32_t>(value));
    }
    return true;  // html._invalid_codepoints decode to nothing
}

/// fixes.unescape_html.
std::u32string unescapeHtml(std::u32string_view text) {
    std::u32string out;
    std::u32string numeric;
    for (size_t i = 0; i < text.size();) {
        // HTML_ENTITY_RE: "&" "#"? [0-9A-Za-z]{1,24} ";"
        if (text[i] == U'&') {
            size_t j = i + 1;
            const bool hash = j < text.size() && text[j] == U'#';
            if (hash) {
                ++j;
            }
            size_t k = j;
            while (k < text.size() && isAsciiAlnum(text[k])) {
                ++k;
            }
            if (k > j && k - j <= 24 && k < text.size() && text[k] == U';') {
                const std::u32string_view match = text.substr(i, k + 1 - i);
                const tables::HtmlEntity* entity = findEntity(unicode::toUtf8(match));
                if (entity != nullptr) {
                    out += unicode::fromUtf8(entity->value);
                } else if (hash && numericReference(text.substr(j, k - j), numeric) &&
                           numeric.find(U';') == std::u32string::npos) {
                    out += numeric;
                } else {
                    out += match;
                }
                i = k + 1;
                continue;
            }
        }
        out.push_back(text[i++]);
    }
    return out;
}

/// chardata.LIGATURES: Latin typographic ligatures and legacy digraphs, split into their letters (ligatures that
/// are used on purpose, like æ, and those of other scripts are left alone).
struct Ligature {
    char32_t code;
    const char32_t* letters;
};
// clang-format off
constexpr Ligature kLigatures[] = {
    {0x132, U"IJ"}, {0x133, U"ij"}, {0x149, U"\u02BCn"}, {0x1C4, U"D\u017D"}, {0x1C5, U"D\u017E"}, {0x1C6, U"d\u017E"},
    {0x1C7, U"LJ"}, {0x1C8, U"Lj"}, {0x1C9, U"lj"}, {0x1CA, U"NJ"}, {0x1CB, U"Nj"}, {0x1CC, U"nj"},
    {0x1F1, U"DZ"}, {0x1F2, U"Dz"}, {0x1F3, U"dz"}, {0xFB00, U"ff"}, {0xFB01, U"fi"}, {0xFB02, U"fl"},
    {0xFB03, U"ffi"}, {0xFB04, U"ffl"}, {0xFB05, U"\u017Ft"}, {0xFB06, U"st"},
};
// clang-format on

void appendLigatureFixed(std::u32string& out, char32_t c) {
    if ((c >= 0x132 && c <= 0x1F3) || (c >= 0xFB00 && c <= 0xFB06)) {
        for (const Ligature& l : kLigatures) {
            if (l.code == c) {
                out += l.letters;
                return;
            }
        }
    }
    out.push_back(c);
}

/// fix_latin_ligatures, fix_character_width and uncurl_quotes: per-character replacements.
std::u32string fixCharacters(std::u32string_view text) {
    std::u32string ligatured;
    for (char32_t c : text) {
        appendLigatureFixed(ligatured, c);
    }
    std::u32string out;
    const auto* widthEnd = tables::kWidthMap + tables::kWidthMapCount;
    for (char32_t c : ligatured) {
        const auto* it = std::lower_bound(tables::kWidthMap, widthEnd, c,
                                          [](const tables::WidthMapping& m, char32_t v) { return m.from < v; });
        if (it != widthEnd && it->from == c) {
            out.push_back(it->to[0]);
            if (it->to[1] != 0) {
                out.push_back(it->to[1]);
            }
        } else {
            out.push_back(c);
        }
    }
    for (char32_t& c : out) {
        if (c == 0x2BC || (c >= 0x2018 && c <= 0x201B)) {
            c = U'\'';
        } else if (c >= 0x201C && c <= 0x201F) {
            c = U'"';
        }
    }
    return out;
}

/// fixes.fix_line_breaks: CRLF, CR, U+2028, U+2029 and U+0085 become LF.
std::u32string fixLineBreaks(std::u32string_view text) {
    std::u32string out;
    for (size_t i = 0; i < text.size(); ++i) {
        const char32_t c = text[i];
        if (c == U'\r') {
            out.push_back(U'\n');
            if (i + 1 < text.size() && text[i + 1] == U'\n') {
                ++i;
            }
        } else if (c == 0x2028 || c == 0x2029 || c == 0x85) {
            out.push_back(U'\n');
        } else {
            out.push_back(c);
        }
    }
    return out;
}

/// fixes.fix_surrogates: UTF-16 surrogate pairs held as two code points become one; lone ones U+FFFD.
std::u32string fixSurrogates(std::u32string_view text) {
    std::u32string out;
    for (size_t i = 0; i < text.size(); ++i) {
        const char32_t c = text[i];
        if (c >= 0xD800 && c <= 0xDBFF && i + 1 < text.size() && text[i + 1] >= 0xDC00 && text[i + 1] <= 0xDFFF) {
            out.push_back(0x10000 + ((c - 0xD800) << 10) + (text[i + 1] - 0xDC00));
            ++i;
        } else if (c >= 0xD800 && c <= 0xDFFF) {
            out.push_back(kReplacement);
        } else {
            out.push_back(c);
        }
    }
    return out;
}

/// fixes.remove_terminal_escapes: ESC "[" (digits | ";")* letter.
std::u32string removeTerminalEscapes(std::u32string_view text) {
    std::u32string out;
    for (size_t i = 0; i < text.size();) {
        if (text[i] == 0x1B && i + 1 < text.size() && text[i + 1] == U'[') {
            size_t j = i + 2;
            while (j < text.size() && (text[j] == U';' || unicode::isDecimal(text[j]))) {
                ++j;
            }
            if (j < text.size() && ((text[j] >= U'a' && text[j] <= U'z') || (text[j] >= U'A' && text[j] <= U'Z'))) {
                i = j + 1;
                continue;
            }
        }
        out.push_back(text[i++]);
    }
    return out;
}

/// fixes.remove_control_chars (chardata.CONTROL_CHARS).
std::u32string removeControlChars(std::u32string_view text) {
    std::u32string out;
    for (char32_t c : text) {
        const bool control = c <= 0x08 || c == 0x0B || (c >= 0x0E && c <= 0x1F) || c == 0x7F ||
                             (c >= 0x206A && c <= 0x206F) || c == 0xFEFF || (c >= 0xFFF9 && c <= 0xFFFC);
        if (!control) {
            out.push_back(c);
        }
    }
    return out;
}

/// ftfy.fix_and_explain on one segment, without the explanation.
std::u32string fixSegment(std::u32string text, bool unescape) {
    while (true) {
        const std::u32string original = text;
        if (unescape) {
            text = unescapeHtml(text);
        }
        text = fixEncoding(text);
        text = fixC1Controls(text);
        text = fixCharacters(text);
        text = fixLineBreaks(text);
        text = fixSurrogates(text);
        text = removeTerminalEscapes(text);
        text = removeControlChars(text);
        text = unicode::nfc(text);
        if (text == original) {
            return text;
        }
    }
}

}  // namespace

bool looksLikeMojibake(std::u32string_view text) {
    return isBad(text);
}

std::u32string fixEncoding(std::u32string_view text) {
    std::u32string current(text);
    while (true) {
        std::u32string next = fixEncodingOneStep(current);
        if (next == current) {
            return next;
        }
        current = std::move(next);
    }
}

std::u32string fixText(std::u32string_view text) {
    std::u32string out;
    // unescape_html="auto": once a segment contains '<' the text is taken to be HTML, and entities are kept in that
    // segment and every later one (ftfy replaces its config for the rest of the loop).
    bool unescape = true;
    size_t pos = 0;
    while (pos < text.size()) {
        const size_t newline = text.find(U'\n', pos);
        size_t end = newline == std::u32string_view::npos ? text.size() : newline + 1;
        end = std::min(end, pos + kMaxSegmentLength);
        const std::u32string_view segment = text.substr(pos, end - pos);
        if (segment.find(U'<') != std::u32string_view::npos) {
            unescape = false;
        }
        out += fixSegment(std::u32string(segment), unescape);
        pos = end;
    }
    return out;
}

std::string fixText(std::string_view utf8) {
    return unicode::toUtf8(fixText(unicode::fromUtf8(utf8)));
}

}  // namespace sm::text

#include "pix2gif/caption.h"

#include <array>
#include <limits>
#include <regex>

#include "runtime/error.h"

namespace sm::pix2gif {
namespace {

// Word tables of inflect 7.0.0 (unit, teen, ten, mill). The mill entries carry their leading space, and mill[0]
// is a single space: inflect relies on the doubled spaces this produces being collapsed at the end.
constexpr std::array<const char*, 10> kUnit = {"",     "one", "two",   "three", "four",
                                               "five", "six", "seven", "eight", "nine"};
constexpr std::array<const char*, 10> kTeen = {"ten",     "eleven",  "twelve",    "thirteen", "fourteen",
                                               "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"};
constexpr std::array<const char*, 10> kTen = {"",      "",      "twenty",  "thirty", "forty",
                                              "fifty", "sixty", "seventy", "eighty", "ninety"};
constexpr std::array<const char*, 12> kMill = {" ",           " thousand",    " million",     " billion",
                                               " trillion",   " quadrillion", " quintillion", " sextillion",
                                               " septillion", " octillion",   " nonillion",   " decillion"};

const std::string kFlowPhrase = " The optical flow is ";

// inflect's tenfn(tens, units, mindex).
std::string tenWords(int tens, int units, size_t mill) {
    if (tens != 1) {
        return std::string(kTen[tens]) + (tens && units ? "-" : "") + kUnit[units] + kMill[mill];
    }
    return std::string(kTeen[units]) + kMill[mill];
}

// inflect's hundfn(hundreds, tens, units, mindex): one three-digit group with its scale word and ", ".
std::string hundredWords(int hundreds, int tens, int units, size_t mill) {
    if (hundreds) {
        const char* andWord = tens || units ? " and " : "";
        return std::string(kUnit[hundreds]) + " hundred" + andWord + tenWords(tens, units, 0) + kMill[mill] + ", ";
    }
    if (tens || units) {
        return tenWords(tens, units, 0) + kMill[mill] + ", ";
    }
    return "";
}

// inflect's enword(num, group=0) for a string of decimal digits without leading zeros: the last three digits
// become a group, repeatedly, then a two- or one-digit head takes the next scale word.
std::string enword(const std::string& digits) {
    if (digits == "0") {
        return "zero";
    }
    if (digits == "1") {
        return "one";
    }
    std::string rest = digits;
    std::string words;
    size_t mill = 0;
    auto digit = [&](size_t i) { return rest[i] - '0'; };
    while (rest.size() >= 3) {
        const size_t n = rest.size();
        words = hundredWords(digit(n - 3), digit(n - 2), digit(n - 1), mill) + words;
        rest.resize(n - 3);
        ++mill;
    }
    if (rest.size() == 2) {
        words = tenWords(digit(0), digit(1), mill) + ", " + words;
    } else if (rest.size() == 1) {
        words = std::string(kUnit[digit(0)]) + kMill[mill] + ", " + words;
    }
    return words;
}

bool isSpace(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

std::string strip(const std::string& s) {
    size_t begin = 0;
    size_t end = s.size();
    while (begin < end && isSpace(s[begin])) {
        ++begin;
    }
    while (end > begin && isSpace(s[end - 1])) {
        --end;
    }
    return s.substr(begin, end - begin);
}

MotionPrompt buildPrompt(const std::string& caption, int64_t motion) {
    MotionPrompt out;
    out.motion = motion;
    out.prompt = caption + kFlowPhrase + numberToWords(motion) + ". " + std::to_string(motion);
    out.clipText = withoutLastToken(out.prompt);
    return out;
}

}  // namespace

std::string numberToWords(int64_t number) {
    // number_to_words(str(n)): the sign becomes a word, NON_DIGIT removes the "-", the digits are enworded.
    std::string digits = std::to_string(number);
    const bool negative = !digits.empty() && digits.front() == '-';
    if (negative) {
        digits.erase(0, 1);
    }
    std::string chunk = enword(digits);
    // The post-processing of number_to_words, in its order: drop the trailing ", ", pull commas onto the previous
    // word, put "and" before a single final word after a comma ("one thousand and one"), collapse whitespace.
    if (chunk.size() >= 2 && chunk.compare(chunk.size() - 2, 2, ", ") == 0) {
        chunk.resize(chunk.size() - 2);
    }
    static const std::regex kSpacesComma(R"(\s+,)");
    static const std::regex kCommaWord(R"(, (\S+)\s+$)");
    static const std::regex kSpaces(R"(\s+)");
    chunk = std::regex_replace(chunk, kSpacesComma, ",");
    chunk = std::regex_replace(chunk, kCommaWord, " and $1");
    chunk = strip(std::regex_replace(chunk, kSpaces, " "));
    return negative ? "minus " + chunk : chunk;
}

std::string normalizeDemoCaption(const std::string& caption) {
    if (caption.empty()) {
        throw ArgumentError("Pix2Gif caption is empty: describe the image (e.g. \"A cat is playing with wool.\")");
    }
    // demo.py compares the last character; '.' never occurs inside a UTF-8 multi-byte sequence.
    return caption.back() == '.' ? caption : caption + ".";
}

MotionPrompt demoPrompt(const std::string& caption, int64_t motion) {
    return buildPrompt(normalizeDemoCaption(caption), motion);
}

MotionPrompt datasetPrompt(const std::string& caption, int64_t motion) {
    return buildPrompt(caption, motion);
}

std::string withoutLastToken(const std::string& text) {
    const size_t lastSpace = text.rfind(' ');
    return lastSpace == std::string::npos ? std::string() : text.substr(0, lastSpace);
}

int64_t motionFromPrompt(const std::string& text) {
    const size_t lastSpace = text.rfind(' ');
    const std::string token = lastSpace == std::string::npos ? text : text.substr(lastSpace + 1);
    const std::string s = strip(token);
    auto fail = [&]() -> int64_t {
        throw ArgumentError("Pix2Gif prompt \"" + text + "\" does not end in an integer motion (last token \"" + token +
                            "\")");
    };
    size_t i = 0;
    bool negative = false;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
        negative = s[i] == '-';
        ++i;
    }
    if (i == s.size()) {
        return fail();
    }
    // Accumulate as a negative number so that INT64_MIN parses; Python allows single '_' between digits.
    int64_t value = 0;
    bool previousDigit = false;
    for (; i < s.size(); ++i) {
        const char c = s[i];
        if (c == '_' && previousDigit && i + 1 < s.size() && s[i + 1] >= '0' && s[i + 1] <= '9') {
            previousDigit = false;
            continue;
        }
        if (c < '0' || c > '9') {
            return fail();
        }
        const int d = c - '0';
        if (value < (std::numeric_limits<int64_t>::min() + d) / 10) {
            throw ArgumentError("Pix2Gif prompt \"" + text + "\": motion " + token + " is out of range");
        }
        value = value * 10 - d;
        previousDigit = true;
    }
    if (!negative) {
        if (value == std::numeric_limits<int64_t>::min()) {
            throw ArgumentError("Pix2Gif prompt \"" + text + "\": motion " + token + " is out of range");
        }
        value = -value;
    }
    return value;
}

}  // namespace sm::pix2gif

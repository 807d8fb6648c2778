#pragma once
// Unicode helpers for the CLIP tokenizer without ICU or Qt: UTF-8 conversion, the character classes of the
// tokenizer's split regex, Python's str.lower() and NFC normalisation.
//
// The data follow Unicode 14.0.0, the database of Python 3.11 on which the reference tokenizer ran (ftfy's NFC,
// str.lower(), str.isspace()). The reference's `regex` module carries its own, possibly newer tables for \p{L} and
// \p{N}; the two differ only for code points assigned after Unicode 14 (for example CJK Extension H), which this
// port treats as unassigned (neither letter nor number). Tables: unicode_tables.cpp, from gen_unicode_tables.py.
//
// Thread-safety: pure functions over constant tables; safe from any thread.
#include <cstdint>
#include <string>
#include <string_view>

namespace sm::text::unicode {

/// "14.0.0": the Unicode version of the tables.
const char* version();

/// Decodes UTF-8. Ill-formed input never throws: each maximal ill-formed subpart becomes U+FFFD (Python's
/// errors="replace" and the WHATWG decoder agree on this). Encoded surrogates (ED A0..BF xx) are ill-formed.
std::u32string fromUtf8(std::string_view utf8);

/// Strict UTF-8 decoding as Python's bytes.decode("utf-8"): false (and `out` unspecified) on any ill-formed byte.
bool decodeUtf8Strict(std::string_view bytes, std::u32string& out);

/// Encodes to UTF-8; surrogates and values above U+10FFFF are written as U+FFFD.
std::string toUtf8(std::u32string_view text);
void appendUtf8(std::string& out, char32_t c);

bool isLetter(char32_t c);         // \p{L}: Lu Ll Lt Lm Lo
bool isNumber(char32_t c);         // \p{N}: Nd Nl No
bool isDecimal(char32_t c);        // \p{Nd}: Python re's \d
bool isWhiteSpace(char32_t c);     // the White_Space property: the `regex` module's \s
bool isPythonSpace(char32_t c);    // str.isspace() and Python re's \s: White_Space plus U+001C..U+001F
bool isPythonWord(char32_t c);     // Python re's \w: str.isalnum() (letters and numbers) or '_'
bool isCased(char32_t c);          // Lowercase | Uppercase | Lt
bool isCaseIgnorable(char32_t c);  // Case_Ignorable
uint8_t combiningClass(char32_t c);

/// Python's str.lower(): full lower-case mappings (U+0130 becomes "i" + U+0307) and the Final_Sigma rule
/// (Σ becomes ς at the end of a word).
std::u32string toLower(std::u32string_view text);

/// Canonical composition (NFC), as unicodedata.normalize("NFC", text).
std::u32string nfc(std::u32string_view text);

}  // namespace sm::text::unicode

#pragma once
// A port of ftfy 6.1.3's fix_text() with its default configuration: the clean-up the HF CLIPTokenizer applies to
// every prompt before BPE (ldm's FrozenCLIPEmbedder, hence Pix2Gif). Reference: rspeer/python-ftfy @ 1a019372.
//
// Covered, in ftfy's order and with ftfy's loop-until-stable per line segment:
//  - unescape_html "auto": HTML5 entities ending in ';' (and ftfy's upper-case variants such as &EACUTE;) and
//    numeric references, unless the text so far contains '<' (then entities are kept, as in "a &amp; b < c").
//  - fix_encoding: mojibake detection with ftfy's "badness" heuristic and repair by re-encoding in latin-1,
//    sloppy windows-1252/1251/1250/1253/1254, iso-8859-2, macroman and cp437 and decoding as UTF-8 (or CESU-8 /
//    Java "modified UTF-8"), with restore_byte_a0, replace_lossy_sequences, decode_inconsistent_utf8 (embedded
//    mojibake) and the latin-1 -> windows-1252 C1 fallback.
//  - fix_c1_controls, fix_latin_ligatures, fix_character_width (fullwidth/halfwidth forms, U+3000),
//    uncurl_quotes, fix_line_breaks, fix_surrogates, remove_terminal_escapes, remove_control_chars, NFC.
// Not covered: nothing on the default path; explanations (fix_and_explain's plans) are not produced.
// Data follow Python 3.11 / Unicode 14.0.0 like the reference (see unicode.h).
//
// Thread-safety: pure functions; safe from any thread.
#include <string>
#include <string_view>

namespace sm::text {

/// ftfy.fix_text(text) with the default TextFixerConfig.
std::u32string fixText(std::u32string_view text);

/// The same on UTF-8 (ill-formed input is decoded with U+FFFD replacement first).
std::string fixText(std::string_view utf8);

/// ftfy.fix_encoding(text): only the mojibake repair steps.
std::u32string fixEncoding(std::u32string_view text);

/// ftfy.badness.is_bad(text): whether the text contains a character sequence typical of mojibake.
bool looksLikeMojibake(std::u32string_view text);

}  // namespace sm::text

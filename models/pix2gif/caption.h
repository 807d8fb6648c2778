#pragma once
// Pix2Gif prompt strings (demo.py, edit_dataset.py and ddpm_edit.py get_input at hiteshK03/Pix2Gif@781ca78).
//
//   prompt    = caption + " The optical flow is " + numberToWords(n) + ". " + std::to_string(n)
//   clip text = prompt without its last space-separated token:  "A cat is playing with wool. The optical flow is
//               eleven."  (Python: " ".join(prompt.split(" ")[:-1]); the integer itself goes to the motion
//               embedding, recovered by int(prompt.split(" ")[-1]) in training)
// The demo (the app's path) rejects an empty caption and appends "." when the caption's last character is not
// one; the dataset/training path uses the caption exactly as stored.
//
// How it is assembled (pix2gif bundle, next round): for each frame's motion n the pipeline calls
// demoPrompt(caption, n), tokenizes .clipText with the CLIP tokenizer (models/text) into 77 ids, encodes them
// into c_T and embeds n with MotionEmbedding; the null text for CFG is CLIP("").
//
// All functions are pure and thread-safe.
#include <cstdint>
#include <string>

namespace sm::pix2gif {

/// inflect 7.0.0 `engine().number_to_words(n)` with its defaults: "zero", "eleven", "twenty-one",
/// "one hundred and one", "one thousand and one", "one thousand, two hundred and thirty-four", "minus five".
/// Exact for every int64 value.
std::string numberToWords(int64_t number);

struct MotionPrompt {
    std::string prompt;    // the full prompt, ending in " <n>"
    std::string clipText;  // what the CLIP tokenizer receives
    int64_t motion = 0;    // n, the motion embedding row
};

/// The demo/app path: an empty caption throws sm::ArgumentError; a caption whose last character is not "." gets
/// one appended; then the prompt is built as above.
MotionPrompt demoPrompt(const std::string& caption, int64_t motion);

/// The dataset/training path: the caption is used as stored (no "." added, empty allowed).
MotionPrompt datasetPrompt(const std::string& caption, int64_t motion);

/// The demo's caption normalisation alone (throws sm::ArgumentError on an empty caption).
std::string normalizeDemoCaption(const std::string& caption);

/// " ".join(text.split(" ")[:-1]): everything before the last space character, "" when there is none.
std::string withoutLastToken(const std::string& text);

/// int(text.split(" ")[-1]): the token after the last space, parsed like Python's int() (surrounding whitespace,
/// an optional sign, ASCII digits with single underscores between them). Throws sm::ArgumentError otherwise.
int64_t motionFromPrompt(const std::string& text);

}  // namespace sm::pix2gif

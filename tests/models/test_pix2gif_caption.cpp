// Pix2Gif prompt strings: every entry of the golden pix2gif_caption case (demo and dataset paths, number words,
// the CLIP text), inflect 7.0.0 number words beyond the case's 0..30, and the prompt helpers' edge cases.
#include <torch/torch.h>
#include <QtTest/QtTest>

#include <limits>

#include "golden.h"
#include "pix2gif/caption.h"
#include "runtime/error.h"
#include "text/clip_tokenizer.h"

using sm::pix2gif::numberToWords;

namespace {

const QString kCase = QStringLiteral("pix2gif_caption");
const QString kTokenizerCase = QStringLiteral("clip_tokenizer");  // holds openai's BPE vocabulary file

}  // namespace

// QCOMPARE on std::string compiles but prints no values on failure; compare as QString instead.
#define SM_COMPARE_STR(actual, expected) QCOMPARE(QString::fromStdString(actual), QString::fromStdString(expected))

class TestPix2GifCaption : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void goldenPromptStrings() {
        if (!sm::test::GoldenCase::exists(kCase)) {
            QSKIP("golden case pix2gif_caption not found; set STILLMOTION_GOLDEN_DIR");
        }
        sm::test::GoldenCase c(kCase);
        const auto& entries = c.json().at("entries");
        QVERIFY(!entries.empty());
        const torch::Tensor motions = c.io("motion");  // row i = entries[i]
        QCOMPARE(motions.numel(), static_cast<int64_t>(entries.size()));
        for (size_t i = 0; i < entries.size(); ++i) {
            const auto& e = entries[i];
            const std::string caption = e.at("base_caption").get<std::string>();
            const int64_t motion = e.at("motion").get<int64_t>();
            const std::string where =
                "entry " + std::to_string(i) + " (" + caption + ", " + std::to_string(motion) + ")";
            QVERIFY2(motions[static_cast<int64_t>(i)].item<int64_t>() == motion, where.c_str());
            SM_COMPARE_STR(numberToWords(motion), e.at("number_word").get<std::string>());

            const auto demo = sm::pix2gif::demoPrompt(caption, motion);
            SM_COMPARE_STR(demo.prompt, e.at("demo_prompt_full").get<std::string>());
            SM_COMPARE_STR(demo.clipText, e.at("demo_clip_text").get<std::string>());
            QCOMPARE(demo.motion, motion);
            const auto dataset = sm::pix2gif::datasetPrompt(caption, motion);
            SM_COMPARE_STR(dataset.prompt, e.at("dataset_prompt_full").get<std::string>());
            SM_COMPARE_STR(dataset.clipText, e.at("dataset_clip_text").get<std::string>());

            // Training's get_input recovers both halves from the full prompt.
            QCOMPARE(sm::pix2gif::motionFromPrompt(dataset.prompt), motion);
            SM_COMPARE_STR(sm::pix2gif::withoutLastToken(dataset.prompt), dataset.clipText);
            QCOMPARE(e.at("has_trailing_period").get<bool>(), caption.back() == '.');
        }
    }

    void goldenClipIds() {
        // The CLIP texts through the CLIP tokenizer give the case's 77-id rows (demo and dataset paths).
        if (!sm::test::GoldenCase::exists(kCase) || !sm::test::GoldenCase::exists(kTokenizerCase)) {
            QSKIP("golden cases pix2gif_caption / clip_tokenizer not found; set STILLMOTION_GOLDEN_DIR");
        }
        sm::test::GoldenCase c(kCase);
        sm::test::GoldenCase vocab(kTokenizerCase);
        const auto tokenizer = sm::text::ClipTokenizer::fromOpenAiVocab(vocab.file("bpe_simple_vocab_16e6.txt.gz"));
        const auto& entries = c.json().at("entries");
        std::vector<std::string> demoTexts, datasetTexts;
        for (const auto& e : entries) {
            const std::string caption = e.at("base_caption").get<std::string>();
            const int64_t motion = e.at("motion").get<int64_t>();
            demoTexts.push_back(sm::pix2gif::demoPrompt(caption, motion).clipText);
            datasetTexts.push_back(sm::pix2gif::datasetPrompt(caption, motion).clipText);
        }
        const torch::Tensor demoIds = c.io("demo_input_ids");
        const torch::Tensor datasetIds = c.io("dataset_input_ids");
        QCOMPARE(demoIds.size(0), static_cast<int64_t>(entries.size()));
        SM_VERIFY_OK(sm::test::checkEqual("demo_input_ids", demoIds, tokenizer.encodeBatch(demoTexts)));
        SM_VERIFY_OK(sm::test::checkEqual("dataset_input_ids", datasetIds, tokenizer.encodeBatch(datasetTexts)));
    }

    void goldenNumberWords() {
        if (!sm::test::GoldenCase::exists(kCase)) {
            QSKIP("golden case pix2gif_caption not found; set STILLMOTION_GOLDEN_DIR");
        }
        sm::test::GoldenCase c(kCase);
        const auto words = c.json().at("number_words_0_30").get<std::vector<std::string>>();
        for (size_t n = 0; n < words.size(); ++n) {
            SM_COMPARE_STR(numberToWords(static_cast<int64_t>(n)), words[n]);
        }
    }

    void inflectNumberWordsBeyondThirty_data() {
        // inflect 7.0.0 engine().number_to_words(n) outputs (recorded by running the pinned release): hundreds
        // take "and", a single final word after a comma takes "and", groups are comma-separated.
        QTest::addColumn<qint64>("number");
        QTest::addColumn<QString>("words");
        const std::vector<std::pair<int64_t, const char*>> table = {
            {31, "thirty-one"},
            {40, "forty"},
            {99, "ninety-nine"},
            {100, "one hundred"},
            {101, "one hundred and one"},
            {110, "one hundred and ten"},
            {115, "one hundred and fifteen"},
            {219, "two hundred and nineteen"},
            {999, "nine hundred and ninety-nine"},
            {1000, "one thousand"},
            {1001, "one thousand and one"},
            {1011, "one thousand and eleven"},
            {1023, "one thousand and twenty-three"},
            {1100, "one thousand, one hundred"},
            {1101, "one thousand, one hundred and one"},
            {1234, "one thousand, two hundred and thirty-four"},
            {2020, "two thousand and twenty"},
            {21000, "twenty-one thousand"},
            {100000, "one hundred thousand"},
            {101000, "one hundred and one thousand"},
            {110010, "one hundred and ten thousand and ten"},
            {1000001, "one million and one"},
            {1000100, "one million, one hundred"},
            {1234056, "one million, two hundred and thirty-four thousand and fifty-six"},
            {2001000, "two million, one thousand"},
            {1000000000, "one billion"},
            {-5, "minus five"},
            {-101, "minus one hundred and one"},
            {std::numeric_limits<int64_t>::max(),
             "nine quintillion, two hundred and twenty-three quadrillion, three hundred and seventy-two trillion, "
             "thirty-six billion, eight hundred and fifty-four million, seven hundred and seventy-five thousand, "
             "eight hundred and seven"},
            {std::numeric_limits<int64_t>::min(),
             "minus nine quintillion, two hundred and twenty-three quadrillion, three hundred and seventy-two "
             "trillion, thirty-six billion, eight hundred and fifty-four million, seven hundred and seventy-five "
             "thousand, eight hundred and eight"},
        };
        for (const auto& [n, w] : table) {
            QTest::newRow(std::to_string(n).c_str()) << qint64(n) << QString::fromLatin1(w);
        }
    }

    void inflectNumberWordsBeyondThirty() {
        QFETCH(qint64, number);
        QFETCH(QString, words);
        QCOMPARE(QString::fromStdString(numberToWords(number)), words);
    }

    void demoNormalisation() {
        QVERIFY_THROWS_EXCEPTION(sm::ArgumentError, sm::pix2gif::demoPrompt("", 11));
        QVERIFY_THROWS_EXCEPTION(sm::ArgumentError, sm::pix2gif::normalizeDemoCaption(""));
        SM_COMPARE_STR(sm::pix2gif::normalizeDemoCaption("A dog"), std::string("A dog."));
        SM_COMPARE_STR(sm::pix2gif::normalizeDemoCaption("A dog."), std::string("A dog."));
        // demo.py only looks at the last character: a trailing space is kept and a "." follows it.
        SM_COMPARE_STR(sm::pix2gif::normalizeDemoCaption("A dog. "), std::string("A dog. ."));
        // The dataset path accepts an empty caption verbatim (the prompt then starts with a space).
        SM_COMPARE_STR(sm::pix2gif::datasetPrompt("", 2).prompt, std::string(" The optical flow is two. 2"));
        // A three-digit motion keeps "and" in the CLIP text.
        SM_COMPARE_STR(sm::pix2gif::demoPrompt("Waves", 101).clipText,
                       std::string("Waves. The optical flow is one hundred and one."));
    }

    void promptHelpers() {
        SM_COMPARE_STR(sm::pix2gif::withoutLastToken("a b c"), std::string("a b"));
        SM_COMPARE_STR(sm::pix2gif::withoutLastToken("abc"), std::string());
        SM_COMPARE_STR(sm::pix2gif::withoutLastToken("a  b"), std::string("a "));  // split(" ") keeps empty tokens
        SM_COMPARE_STR(sm::pix2gif::withoutLastToken("a b "), std::string("a b"));
        QCOMPARE(sm::pix2gif::motionFromPrompt("x is eleven. 11"), int64_t(11));
        QCOMPARE(sm::pix2gif::motionFromPrompt("x -7"), int64_t(-7));
        QCOMPARE(sm::pix2gif::motionFromPrompt("x 1_000"), int64_t(1000));
        QCOMPARE(sm::pix2gif::motionFromPrompt("19"), int64_t(19));
        QCOMPARE(sm::pix2gif::motionFromPrompt("x -9223372036854775808"), std::numeric_limits<int64_t>::min());
        QVERIFY_THROWS_EXCEPTION(sm::ArgumentError, sm::pix2gif::motionFromPrompt("x eleven."));
        QVERIFY_THROWS_EXCEPTION(sm::ArgumentError, sm::pix2gif::motionFromPrompt("x "));
        QVERIFY_THROWS_EXCEPTION(sm::ArgumentError, sm::pix2gif::motionFromPrompt("x 1__0"));
        QVERIFY_THROWS_EXCEPTION(sm::ArgumentError, sm::pix2gif::motionFromPrompt("x 9223372036854775808"));
    }
};

QTEST_GUILESS_MAIN(TestPix2GifCaption)
#include "test_pix2gif_caption.moc"

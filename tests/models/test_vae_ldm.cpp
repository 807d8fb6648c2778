// SD KL-f8 autoencoder under ldm names (golden case ldm_vae_tiny): config from the weights, encode / posterior /
// decode against the CompVis reference, full-checkpoint prefix handling and the ldm <-> diffusers key round trip.
#include <torch/torch.h>
#include <QtTest/QtTest>

#include <map>
#include <regex>
#include <string>

#include "golden.h"
#include "io/module_loader.h"
#include "runtime/error.h"
#include "vae/autoencoder_kl.h"
#include "vae/key_map.h"

namespace {

const QString kCase = QStringLiteral("ldm_vae_tiny");

struct Tolerance {
    double maxAbs = 0;
    double relL2 = 0;
};

// case.json groups tensors as "encoder (moments, posterior_mean, ...)": {max_abs, rel_l2}; expand per name.
std::map<std::string, Tolerance> tolerances(const nlohmann::json& json) {
    std::map<std::string, Tolerance> out;
    const std::regex listed(R"(\(([^)]*)\))");
    for (const auto& [group, value] : json.at("tolerance").items()) {
        std::smatch match;
        if (!value.is_object() || !value.contains("max_abs") || !std::regex_search(group, match, listed)) {
            continue;
        }
        std::stringstream names(match[1].str());
        std::string name;
        while (std::getline(names, name, ',')) {
            name.erase(0, name.find_first_not_of(' '));
            out[name] = {value.at("max_abs").get<double>(), value.at("rel_l2").get<double>()};
        }
    }
    return out;
}

}  // namespace

class TestVaeLdm : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() {
        if (!sm::test::GoldenCase::exists(kCase)) {
            QSKIP("golden case ldm_vae_tiny not found; set STILLMOTION_GOLDEN_DIR");
        }
        m_case = std::make_unique<sm::test::GoldenCase>(kCase);
        m_weights = m_case->weights();
        m_tolerance = tolerances(m_case->json());
        QVERIFY2(m_tolerance.size() == 8, "case.json should give a tolerance for each of the 8 outputs");
        QCOMPARE(sm::vae::detectKeyNaming(m_weights, "weights.safetensors"), sm::vae::KeyNaming::Ldm);
        m_vae = sm::vae::loadAutoencoderKL(m_weights, "ldm_vae_tiny/weights.safetensors");
    }

    void configFromWeightsMatchesDdconfig() {
        const auto& dd = m_case->json().at("config").at("ddconfig");
        const auto expected =
            sm::vae::VaeConfig::fromLdm(dd.at("ch").get<int64_t>(), dd.at("ch_mult").get<std::vector<int64_t>>(),
                                        dd.at("num_res_blocks").get<int64_t>(), dd.at("z_channels").get<int64_t>());
        const auto& got = m_vae->config();
        QCOMPARE(got.blockOutChannels, expected.blockOutChannels);
        QCOMPARE(got.layersPerBlock, expected.layersPerBlock);
        QCOMPARE(got.latentChannels, expected.latentChannels);
        QCOMPARE(got.latentChannels, m_case->json().at("config").at("embed_dim").get<int64_t>());
        QCOMPARE(got.inChannels, dd.at("in_channels").get<int64_t>());
        QCOMPARE(got.outChannels, dd.at("out_ch").get<int64_t>());
        // attn_resolutions is empty, yet the mid-block attention exists (case notes).
        QVERIFY(got.midBlockAttention);
        QCOMPARE(got.downsampleFactor(), int64_t(8));
    }

    void encodeMatchesReference() {
        torch::NoGradGuard noGrad;
        const torch::Tensor image = m_case->io("image");
        const torch::Tensor moments = m_vae->encode(image);
        const sm::vae::DiagonalGaussian posterior(moments);
        check("encoder_out", m_vae->encoder(image));
        check("moments", moments);
        check("posterior_mean", posterior.mean());
        check("posterior_logvar", posterior.logvar());
        check("posterior_mode", posterior.mode());
    }

    void decodeMatchesReference() {
        torch::NoGradGuard noGrad;
        const torch::Tensor z = m_case->io("z");
        check("post_quant_conv_out", m_vae->post_quant_conv(z));
        check("decoded", m_vae->decode(z));
        // decode(mode) chains encoder and decoder: the tolerance of the decoder class covers both.
        const sm::vae::DiagonalGaussian posterior(m_vae->encode(m_case->io("image")));
        check("decoded_from_mode", m_vae->decode(posterior.mode()));
    }

    void loadsFromFullCheckpointDict() {
        // A Pix2Gif checkpoint: the VAE under first_stage_model., beside UNet / CLIP keys that must be ignored.
        sm::io::StateDict full;
        for (const auto& [key, tensor] : m_weights) {
            full.emplace(std::string(sm::vae::kLdmCheckpointPrefix) + key, tensor);
        }
        full.emplace("model.diffusion_model.input_blocks.0.0.weight", torch::zeros({4, 12, 3, 3}));
        full.emplace("cond_stage_model.transformer.text_model.final_layer_norm.weight", torch::ones({8}));
        // Stand-alone VAE checkpoints also carry the training loss and EMA counters: ignored.
        full.emplace("first_stage_model.loss.logvar", torch::zeros({}));
        full.emplace("first_stage_model.loss.discriminator.main.0.weight", torch::zeros({64, 3, 4, 4}));
        full.emplace("first_stage_model.model_ema.decay", torch::zeros({}));
        auto vae = sm::vae::loadAutoencoderKL(full, "pix2gif.ckpt");
        torch::NoGradGuard noGrad;
        const torch::Tensor z = m_case->io("z");
        QVERIFY(torch::equal(vae->decode(z), m_vae->decode(z)));
    }

    void ldmKeysRoundTrip() {
        // ldm -> engine (diffusers names) -> ldm gives back every key with its exact shape and values.
        const sm::io::StateDict back = sm::vae::exportLdmStateDict(m_vae);
        QCOMPARE(back.size(), m_weights.size());
        for (const auto& [key, tensor] : m_weights) {
            const auto it = back.find(key);
            QVERIFY2(it != back.end(), key.c_str());
            QVERIFY2(it->second.sizes() == tensor.sizes(), key.c_str());
            QVERIFY2(torch::equal(it->second, tensor), key.c_str());
        }
        // The attention 1x1 convs are Linear weights inside the engine; decoder levels are reversed.
        const sm::io::StateDict engine = sm::io::moduleStateDict(*m_vae);
        QCOMPARE(engine.at("encoder.mid_block.attentions.0.to_q.weight").dim(), int64_t(2));
        QVERIFY(torch::equal(engine.at("decoder.up_blocks.0.upsamplers.0.conv.weight"),
                             m_weights.at("decoder.up.3.upsample.conv.weight")));
    }

    void refusesUnsupportedKeys() {
        sm::io::StateDict withLoss = m_weights;  // an ldm VAE with attn_resolutions, which SD never uses
        withLoss.emplace("encoder.down.1.attn.0.q.weight", torch::zeros({64, 64, 1, 1}));
        try {
            sm::vae::loadAutoencoderKL(withLoss, "odd.ckpt");
            QFAIL("an attention outside the mid block was accepted");
        } catch (const sm::WeightsError& e) {
            const QString message = QString::fromUtf8(e.what());
            QVERIFY2(message.contains(QStringLiteral("odd.ckpt")) &&
                         message.contains(QStringLiteral("encoder.down.1.attn.0.q.weight")),
                     qPrintable(message));
        }
        sm::io::StateDict truncated = m_weights;
        truncated.erase("decoder.conv_in.weight");
        QVERIFY_THROWS_EXCEPTION(sm::WeightsError, sm::vae::loadAutoencoderKL(truncated, "short.ckpt"));
    }

    void rejectsBadShapes() {
        torch::NoGradGuard noGrad;
        QVERIFY_THROWS_EXCEPTION(c10::Error, m_vae->encode(torch::zeros({1, 3, 60, 64})));
        QVERIFY_THROWS_EXCEPTION(c10::Error, m_vae->decode(torch::zeros({1, 8, 8, 8})));
        QVERIFY_THROWS_EXCEPTION(sm::ArgumentError, sm::vae::DiagonalGaussian(torch::zeros({1, 7, 8, 8})));
    }

private:
    void check(const std::string& name, const torch::Tensor& port) {
        const Tolerance tol = m_tolerance.at(name);
        const sm::test::Diff d = sm::test::compare(m_case->io(name), port);
        qInfo("%s: max_abs %.3g (allowed %.3g), rel_l2 %.3g (allowed %.3g)", name.c_str(), d.maxAbs, tol.maxAbs,
              d.relL2, tol.relL2);
        SM_VERIFY_OK(sm::test::checkClose(name, m_case->io(name), port, tol.maxAbs, tol.relL2));
    }

    std::unique_ptr<sm::test::GoldenCase> m_case;
    sm::io::StateDict m_weights;
    std::map<std::string, Tolerance> m_tolerance;
    sm::vae::AutoencoderKL m_vae{nullptr};
};

QTEST_GUILESS_MAIN(TestVaeLdm)
#include "test_vae_ldm.moc"

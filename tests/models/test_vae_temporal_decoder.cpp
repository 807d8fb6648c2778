// SVD AutoencoderKLTemporalDecoder (golden case svd_temporal_decoder_tiny): encode / posterior, a num_frames decode
// with its intermediates, a float64 build, and Cinemo's chunked first-frame-residual decode to float and uint8.
#include <torch/torch.h>
#include <QtTest/QtTest>

#include <string>

#include "golden.h"
#include "io/module_loader.h"
#include "runtime/error.h"
#include "vae/autoencoder_kl.h"
#include "vae/key_map.h"
#include "vae/temporal_decoder.h"

namespace {

const QString kCase = QStringLiteral("svd_temporal_decoder_tiny");

}  // namespace

class TestVaeTemporalDecoder : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() {
        if (!sm::test::GoldenCase::exists(kCase)) {
            QSKIP("golden case svd_temporal_decoder_tiny not found; set STILLMOTION_GOLDEN_DIR");
        }
        m_case = std::make_unique<sm::test::GoldenCase>(kCase);
        m_weights = m_case->weights();
        QCOMPARE(int64_t(m_weights.size()), m_case->json().at("derived").at("state_dict_entries").get<int64_t>());
        m_vae = sm::vae::loadTemporalDecoderVae(m_weights, "svd_temporal_decoder_tiny/weights.safetensors");
    }

    void configFromWeightsMatchesCase() {
        const auto& config = m_case->json().at("config");
        const auto& got = m_vae->config();
        QCOMPARE(got.blockOutChannels, config.at("block_out_channels").get<std::vector<int64_t>>());
        QCOMPARE(got.layersPerBlock, config.at("layers_per_block").get<int64_t>());
        QCOMPARE(got.latentChannels, config.at("latent_channels").get<int64_t>());
        QCOMPARE(got.inChannels, config.at("in_channels").get<int64_t>());
        QCOMPARE(got.outChannels, config.at("out_channels").get<int64_t>());
        QCOMPARE(got.scalingFactor, config.at("scaling_factor").get<double>());
        int64_t params = 0;
        for (const auto& p : m_vae->parameters()) {
            params += p.numel();
        }
        QCOMPARE(params, m_case->json().at("derived").at("num_parameters").get<int64_t>());
        // The SD AutoencoderKL loader must refuse these weights (no post_quant_conv, temporal decoder keys).
        QVERIFY_THROWS_EXCEPTION(sm::WeightsError, sm::vae::loadAutoencoderKL(m_weights, "svd.safetensors"));
    }

    void encodeMatchesReference() {
        torch::NoGradGuard noGrad;
        const torch::Tensor image = m_case->io("in.image");
        const sm::vae::DiagonalGaussian posterior = m_vae->encodeDistribution(image);
        check("out.moments", posterior.moments());
        check("out.mean", posterior.mean());
        check("out.logvar", posterior.logvar());
        check("out.std", posterior.std());
        check("out.posterior_sample", posterior.sample(m_case->io("in.posterior_noise")));
        check("mid.enc.mid_block_out", m_vae->encoder->features(image));
        check("mid.enc.encoder_out", m_vae->encoder(image));
    }

    void decodeMatchesReference() {
        torch::NoGradGuard noGrad;
        const int64_t numFrames = m_case->json().at("decode_num_frames").get<int64_t>();
        const torch::Tensor z = m_case->io("in.z");
        check("out.decoded", m_vae->decode(z, numFrames));
        auto& decoder = m_vae->decoder;
        const torch::Tensor convIn = decoder->conv_in(z);
        check("mid.dec.conv_in_out", convIn);
        check("mid.dec.mid_block_out", decoder->mid_block(convIn, numFrames));
        check("mid.dec.conv_out_out", decoder->framesBeforeTimeConv(z, numFrames));
    }

    void framesAreDecodedTogether() {
        torch::NoGradGuard noGrad;
        const int64_t numFrames = m_case->json().at("decode_num_frames").get<int64_t>();
        const torch::Tensor z = m_case->io("in.z");
        const torch::Tensor together = m_vae->decode(z, numFrames);
        // One chunk holding every frame is the plain decode.
        QVERIFY(torch::equal(m_vae->decodeChunked(z, numFrames), together));
        // Decoding each frame alone loses the temporal mixing: a real change, not rounding.
        const torch::Tensor alone = m_vae->decode(z, 1);
        QVERIFY(sm::test::compare(together, alone).relL2 > 1e-3);
        QVERIFY_THROWS_EXCEPTION(sm::ArgumentError, m_vae->decode(z, numFrames + 1));
    }

    void float64BuildMatchesReference() {
        const auto& tol = m_case->json().at("tolerance").at("out.moments_f64").at("float64_build");
        auto vae = sm::vae::loadTemporalDecoderVae(m_weights, "svd_temporal_decoder_tiny", torch::kFloat64);
        torch::NoGradGuard noGrad;
        const torch::Tensor moments = vae->encode(m_case->io("in.image").to(torch::kFloat64));
        report("out.moments_f64", moments, tol.at("max_abs").get<double>(), tol.at("rel_l2").get<double>());
        SM_VERIFY_OK(sm::test::checkClose("out.moments_f64", m_case->io("out.moments_f64"), moments,
                                          tol.at("max_abs").get<double>(), tol.at("rel_l2").get<double>()));
    }

    void cinemoPipelineDecode() {
        torch::NoGradGuard noGrad;
        const torch::Tensor latents = m_case->io("in.pipe.latents");
        const torch::Tensor base = m_case->io("in.pipe.base_content");
        const sm::vae::CinemoVideo video = sm::vae::decodeCinemoLatents(*m_vae, latents, base);
        check("out.pipe.video_float", video.frames);

        const torch::Tensor expected = m_case->io("out.pipe.video_uint8");
        QCOMPARE(video.video.scalar_type(), torch::kUInt8);
        QCOMPARE(video.video.sizes(), expected.sizes());
        // Truncation may flip a pixel by one where the float value sits on an integer boundary.
        const int64_t allowed = m_case->json().at("tolerance").at("out.pipe.video_uint8").at("max_abs").get<int64_t>();
        const torch::Tensor diff = (video.video.to(torch::kLong) - expected).abs();
        const int64_t worst = diff.max().item<int64_t>();
        const int64_t flipped = diff.gt(0).sum().item<int64_t>();
        qInfo("out.pipe.video_uint8: max |diff| %lld (allowed %lld), %lld of %lld pixels differ",
              static_cast<long long>(worst), static_cast<long long>(allowed), static_cast<long long>(flipped),
              static_cast<long long>(expected.numel()));
        QVERIFY(worst <= allowed);
        // Flips are rare boundary cases; a systematic rounding error would flip about half of the pixels.
        QVERIFY(flipped * 1000 < expected.numel());

        QVERIFY_THROWS_EXCEPTION(sm::ArgumentError, sm::vae::decodeCinemoLatents(*m_vae, latents, latents));
    }

private:
    void report(const std::string& name, const torch::Tensor& port, double maxAbs, double relL2) {
        const sm::test::Diff d = sm::test::compare(m_case->io(name), port);
        qInfo("%s: max_abs %.3g (allowed %.3g), rel_l2 %.3g (allowed %.3g)", name.c_str(), d.maxAbs, maxAbs, d.relL2,
              relL2);
    }

    void check(const std::string& name, const torch::Tensor& port) {
        const auto& tol = m_case->json().at("tolerance").at(name).at("fp32_cpu");
        const double maxAbs = tol.at("max_abs").get<double>(), relL2 = tol.at("rel_l2").get<double>();
        report(name, port, maxAbs, relL2);
        SM_VERIFY_OK(sm::test::checkClose(name, m_case->io(name), port, maxAbs, relL2));
    }

    std::unique_ptr<sm::test::GoldenCase> m_case;
    sm::io::StateDict m_weights;
    sm::vae::AutoencoderKLTemporalDecoder m_vae{nullptr};
};

QTEST_GUILESS_MAIN(TestVaeTemporalDecoder)
#include "test_vae_temporal_decoder.moc"

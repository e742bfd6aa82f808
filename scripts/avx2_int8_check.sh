#!/usr/bin/env bash
# The int8 tests on an AVX2-only CPU without one: the x86 machine emulated by QEMU's user mode as a Haswell (AVX2,
# no AVX-512, no VNNI), where ONNX Runtime's u8s8 kernel adds pairs of products in 16 bits and saturates, as on the
# laptops the int8 encoder must be right on (issue "Fast and right on the users' CPUs").
#   bash scripts/avx2_int8_check.sh [PYTEST ARGS...]      (Debian: apt-get install qemu-user; about 7 min here)
# First it proves the emulated kernel saturates (else the check would prove nothing, and it says so and stops
# with status 2); then it runs tests/catalog/test_onnx_encoder.py and test_int8_kernels.py on it.
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$(uname -m)" = x86_64 ] || { echo "avx2_int8_check: needs an x86_64 host (QEMU user mode emulates this one)" >&2; exit 2; }
command -v qemu-x86_64 >/dev/null || { echo "avx2_int8_check: qemu-x86_64 is not installed (Debian: apt-get install qemu-user)" >&2; exit 2; }
PY=.venv/bin/python
[ -x "$PY" ] || bash scripts/bootstrap.sh setup
emulated() { qemu-x86_64 -cpu Haswell "$@" 2> >(grep -v "TCG doesn't support requested feature" >&2); }
probe=$(emulated "$PY" - <<'PY'
import numpy as np
import onnxruntime as ort
from onnx import TensorProto, helper, numpy_helper

K, N = 64, 8  # 255 x 127 + 255 x 127 = 64,770: over a 16-bit sum, exact in 32 bits
graph = helper.make_graph([helper.make_node("MatMulInteger", ["a", "w", "za"], ["y"])], "probe",
                          [helper.make_tensor_value_info("a", TensorProto.UINT8, [1, K])],
                          [helper.make_tensor_value_info("y", TensorProto.INT32, [1, N])],
                          [numpy_helper.from_array(np.full((K, N), 127, np.int8), "w"),
                           numpy_helper.from_array(np.array(0, np.uint8), "za")])
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
session = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
got = int(session.run(None, {"a": np.full((1, K), 255, np.uint8)})[0][0, 0])
print("saturates" if got != 255 * 127 * K else "exact")
PY
)
if [ "$probe" != saturates ]; then
  echo "avx2_int8_check: this QEMU does not emulate AVX2's saturating int8 kernel (needs QEMU 7.2 or later); nothing checked" >&2
  exit 2
fi
echo "avx2_int8_check: the emulated Haswell's int8 kernel saturates 16-bit sums, as AVX2-only CPUs do; running the int8 tests on it"
QT_QPA_PLATFORM=offscreen emulated "$PY" -m pytest -q -p no:cacheprovider tests/catalog/test_onnx_encoder.py tests/catalog/test_int8_kernels.py "$@"

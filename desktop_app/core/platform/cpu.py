"""Which int8 kernels ONNX Runtime runs on this CPU, read from what the OS reports, with no extra dependency.

Why it matters: the same int8 model sums its products differently per CPU. AVX-512 VNNI and AVX-VNNI
add u8×s8 products in 32 bits; plain AVX2 (and AVX-512 before VNNI) adds pairs of them in 16 bits,
which saturates for 8-bit weights; ARM multiplies with widening NEON instructions, or SDOT/UDOT with
the dot-product extension. So the fast encoder's agreement check is only valid for the kernel path
it ran on, and a prepared tower is keyed by that path (core/embedding/onnx_encoder.py); `doctor`
shows it to testers.
"""

from __future__ import annotations

import functools
import platform
import subprocess
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

_CPUINFO = Path("/proc/cpuinfo")
_ARCH_NAMES = {"x86_64": "x86_64", "amd64": "x86_64", "x64": "x86_64", "aarch64": "arm64", "arm64": "arm64"}
# IsProcessorFeaturePresent's PF_* numbers (winnt.h); Windows reports no VNNI flag at all.
_PF_AVX2 = 40
_PF_AVX512F = 41
_PF_ARM_V82_DP = 43


@dataclass(frozen=True)
class CpuFeatures:
    """What ONNX Runtime's int8 kernels can use on this CPU: enough to name the path they take, and to key the check by it."""

    arch: str  # "x86_64", "arm64", else what platform.machine() says, lower-cased ("" when it says nothing)
    avx2: bool
    avx512: bool  # AVX-512 F and BW, what ONNX Runtime's AVX-512 int8 kernels need
    vnni: bool  # VNNI at the width the int8 kernels run at: AVX512_VNNI with AVX-512, else AVX_VNNI
    neon: bool
    dotprod: bool  # ARM's SDOT/UDOT (FEAT_DotProd, "asimddp" on Linux)

    def int8_path(self) -> str:
        """The int8 MatMul kernel family ONNX Runtime picks here, as its MLAS library orders them."""
        if self.arch == "x86_64":
            if self.vnni:
                return "avx512-vnni" if self.avx512 else "avx-vnni"
            return "avx512" if self.avx512 else "avx2" if self.avx2 else "generic"
        if self.neon:
            return "neon-dotprod" if self.dotprod else "neon"
        return "generic"

    def describe(self) -> str:
        """'avx512-vnni (AVX2 yes, AVX-512 yes, VNNI yes, NEON no)': the line testers paste into bug reports."""
        flags = (("AVX2", self.avx2), ("AVX-512", self.avx512), ("VNNI", self.vnni), ("NEON", self.neon))
        listed = [f"{name} {'yes' if present else 'no'}" for name, present in flags]
        if self.neon:
            listed.append(f"dot product {'yes' if self.dotprod else 'no'}")
        return f"{self.int8_path()} ({', '.join(listed)})"

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "int8_path": self.int8_path()}


@functools.cache
def cpu_features() -> CpuFeatures:
    """This machine's features, read once per process (they cannot change while it runs)."""
    system, arch = platform.system(), normalise_arch(platform.machine())
    if system == "Linux":
        try:
            return parse_cpuinfo(_CPUINFO.read_text(encoding="utf-8", errors="replace"), arch)
        except OSError:
            return from_flags(arch, set())
    if system == "Darwin":
        return _macos(arch)
    if system == "Windows":
        return _windows(arch)
    return from_flags(arch, set())


def normalise_arch(machine: str) -> str:
    """One name per architecture: Linux says aarch64 where macOS and Windows say arm64, Windows says AMD64."""
    lowered = machine.lower()
    return _ARCH_NAMES.get(lowered, lowered)


def parse_cpuinfo(text: str, arch: str) -> CpuFeatures:
    """Features from Linux's /proc/cpuinfo: x86 lists them as `flags`, ARM as `Features` (first CPU; all cores match)."""
    for line in text.splitlines():
        key, _, value = line.partition(":")
        if key.strip() in ("flags", "Features"):
            return from_flags(arch, set(value.split()))
    return from_flags(arch, set())


def from_flags(arch: str, flags: set[str]) -> CpuFeatures:
    """Linux's flag names (lower case) to features; an ARM64 CPU always has NEON, Linux calls it asimd."""
    avx512 = {"avx512f", "avx512bw"} <= flags
    vnni = bool({"avx512_vnni", "avx512vnni"} & flags) if avx512 else "avx_vnni" in flags
    return CpuFeatures(
        arch=arch,
        avx2="avx2" in flags,
        avx512=avx512,
        vnni=vnni,
        neon=arch == "arm64" or "neon" in flags or "asimd" in flags,
        dotprod="asimddp" in flags,
    )


def _sysctl(name: str) -> str:
    """A sysctl value, or "" where the name does not exist on this macOS version."""
    try:
        out = subprocess.run(["sysctl", "-n", name], capture_output=True, text=True, timeout=5, check=False)
    except (OSError, subprocess.SubprocessError):
        return ""
    return out.stdout.strip() if out.returncode == 0 else ""


def _macos(arch: str) -> CpuFeatures:
    """Apple silicon always has NEON; Intel Macs list their flags in upper case (AVX2, AVX512F, AVX512VNNI)."""
    if arch == "arm64":
        return CpuFeatures(arch, avx2=False, avx512=False, vnni=False, neon=True, dotprod=_sysctl("hw.optional.arm.FEAT_DotProd") == "1")
    words = f"{_sysctl('machdep.cpu.features')} {_sysctl('machdep.cpu.leaf7_features')}".lower().split()
    return from_flags(arch, set(words))


def _windows(arch: str) -> CpuFeatures:
    """IsProcessorFeaturePresent where it knows the feature; it has no VNNI flag, so VNNI reads as absent."""
    try:
        import ctypes

        present = ctypes.windll.kernel32.IsProcessorFeaturePresent  # type: ignore[attr-defined]
    except (ImportError, AttributeError, OSError):
        return from_flags(arch, set())
    if arch == "arm64":
        return CpuFeatures(arch, avx2=False, avx512=False, vnni=False, neon=True, dotprod=bool(present(_PF_ARM_V82_DP)))
    return CpuFeatures(arch, avx2=bool(present(_PF_AVX2)), avx512=bool(present(_PF_AVX512F)), vnni=False, neon=False, dotprod=False)

"""CPU feature detection from what each OS reports: the int8 kernel path a prepared encoder is keyed by and doctor shows."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop_app.core.platform import cpu

# Trimmed /proc/cpuinfo of the CPUs the fast encoder must be right on (the first processor's block).
EPYC_ZEN2_AVX2 = """\
processor\t: 0
vendor_id\t: AuthenticAMD
model name\t: AMD EPYC 7B12
flags\t\t: fpu vme de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov pat pse36 clflush mmx fxsr sse sse2 ht syscall nx \
mmxext fxsr_opt pdpe1gb rdtscp lm constant_tsc rep_good nopl nonstop_tsc cpuid extd_apicid tsc_known_freq pni pclmulqdq ssse3 \
fma cx16 sse4_1 sse4_2 movbe popcnt aes xsave avx f16c rdrand hypervisor lahf_lm cmp_legacy cr8_legacy abm sse4a misalignsse \
3dnowprefetch osvw topoext ssbd ibrs ibpb stibp vmmcall fsgsbase tsc_adjust bmi1 avx2 smep bmi2 rdseed adx smap clflushopt clwb \
sha_ni xsaveopt xsavec xgetbv1 clzero xsaveerptr arat npt nrip_save umip rdpid
bugs\t\t: sysret_ss_attrs spectre_v1 spectre_v2 spec_store_bypass retbleed smt_rsb
"""

XEON_CASCADE_LAKE_VNNI = """\
processor\t: 0
vendor_id\t: GenuineIntel
model name\t: Intel(R) Xeon(R) Platinum 8259CL CPU @ 2.50GHz
flags\t\t: fpu vme de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov pat pse36 clflush mmx fxsr sse sse2 ss ht syscall nx \
pdpe1gb rdtscp lm constant_tsc rep_good nopl xtopology nonstop_tsc cpuid aperfmperf tsc_known_freq pni pclmulqdq ssse3 fma cx16 \
pcid sse4_1 sse4_2 x2apic movbe popcnt tsc_deadline_timer aes xsave avx f16c rdrand hypervisor lahf_lm abm 3dnowprefetch \
invpcid_single pti fsgsbase tsc_adjust bmi1 avx2 smep bmi2 erms invpcid mpx avx512f avx512dq rdseed adx smap clflushopt clwb \
avx512cd avx512bw avx512vl xsaveopt xsavec xgetbv1 xsaves ida arat pku ospke avx512_vnni
"""

XEON_SKYLAKE_AVX512 = """\
processor\t: 0
model name\t: Intel(R) Xeon(R) Platinum 8175M CPU @ 2.50GHz
flags\t\t: fpu sse sse2 ssse3 sse4_1 sse4_2 avx f16c fma avx2 bmi2 avx512f avx512dq avx512cd avx512bw avx512vl
"""

CORE_ALDER_LAKE_AVX_VNNI = """\
processor\t: 0
model name\t: 12th Gen Intel(R) Core(TM) i7-1260P
flags\t\t: fpu sse sse2 ssse3 sse4_1 sse4_2 avx f16c fma avx2 bmi2 sha_ni avx_vnni
"""

GRAVITON2 = """\
processor\t: 0
BogoMIPS\t: 243.75
Features\t: fp asimd evtstrm aes pmull sha1 sha2 crc32 atomics fphp asimdhp cpuid asimdrdm lrcpc dcpop asimddp ssbs
CPU implementer\t: 0x41
CPU architecture: 8
CPU variant\t: 0x3
CPU part\t: 0xd0c
CPU revision\t: 1
"""

GRAVITON1 = """\
processor\t: 0
Features\t: fp asimd evtstrm aes pmull sha1 sha2 crc32 cpuid
CPU implementer\t: 0x41
CPU part\t: 0xd08
"""


@pytest.mark.parametrize(
    ("text", "arch", "expected", "path"),
    [
        (EPYC_ZEN2_AVX2, "x86_64", (True, False, False, False, False), "avx2"),
        (XEON_CASCADE_LAKE_VNNI, "x86_64", (True, True, True, False, False), "avx512-vnni"),
        (XEON_SKYLAKE_AVX512, "x86_64", (True, True, False, False, False), "avx512"),
        (CORE_ALDER_LAKE_AVX_VNNI, "x86_64", (True, False, True, False, False), "avx-vnni"),
        (GRAVITON2, "arm64", (False, False, False, True, True), "neon-dotprod"),
        (GRAVITON1, "arm64", (False, False, False, True, False), "neon"),
        ("", "riscv64", (False, False, False, False, False), "generic"),
    ],
    ids=["epyc-avx2", "xeon-vnni", "xeon-avx512", "alder-lake", "graviton2", "graviton1", "nothing-known"],
)
def test_cpuinfo_gives_the_int8_path(text: str, arch: str, expected: tuple[bool, ...], path: str) -> None:
    features = cpu.parse_cpuinfo(text, arch)
    assert (features.avx2, features.avx512, features.vnni, features.neon, features.dotprod) == expected
    assert features.arch == arch and features.int8_path() == path


def test_describe_is_the_doctor_line() -> None:
    xeon = cpu.parse_cpuinfo(XEON_CASCADE_LAKE_VNNI, "x86_64")
    assert xeon.describe() == "avx512-vnni (AVX2 yes, AVX-512 yes, VNNI yes, NEON no)"
    assert cpu.parse_cpuinfo(GRAVITON2, "arm64").describe() == "neon-dotprod (AVX2 no, AVX-512 no, VNNI no, NEON yes, dot product yes)"
    assert xeon.to_json()["int8_path"] == "avx512-vnni" and xeon.to_json()["vnni"] is True


@pytest.mark.parametrize(("machine", "arch"), [("x86_64", "x86_64"), ("AMD64", "x86_64"), ("aarch64", "arm64"), ("ARM64", "arm64"),
                                               ("ppc64le", "ppc64le")])
def test_architecture_names_are_normalised(machine: str, arch: str) -> None:
    assert cpu.normalise_arch(machine) == arch


@pytest.fixture
def fresh_detection():
    cpu.cpu_features.cache_clear()
    yield
    cpu.cpu_features.cache_clear()  # the next caller sees this machine again, not the fake one


def test_linux_reads_proc_cpuinfo_once(fresh_detection, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake = tmp_path / "cpuinfo"
    fake.write_text(EPYC_ZEN2_AVX2)
    monkeypatch.setattr(cpu, "_CPUINFO", fake)
    monkeypatch.setattr(cpu.platform, "system", lambda: "Linux")
    monkeypatch.setattr(cpu.platform, "machine", lambda: "x86_64")
    assert cpu.cpu_features().int8_path() == "avx2"
    fake.write_text(XEON_CASCADE_LAKE_VNNI)
    assert cpu.cpu_features().int8_path() == "avx2"  # cached: read once per process
    fake.unlink()
    cpu.cpu_features.cache_clear()
    assert cpu.cpu_features().int8_path() == "generic"  # unreadable: nothing claimed


@pytest.mark.parametrize(("dotprod", "path"), [("1", "neon-dotprod"), ("", "neon")])
def test_apple_silicon_asks_sysctl(fresh_detection, monkeypatch: pytest.MonkeyPatch, dotprod: str, path: str) -> None:
    monkeypatch.setattr(cpu.platform, "system", lambda: "Darwin")
    monkeypatch.setattr(cpu.platform, "machine", lambda: "arm64")
    monkeypatch.setattr(cpu, "_sysctl", lambda name: dotprod if name == "hw.optional.arm.FEAT_DotProd" else "")
    assert cpu.cpu_features().int8_path() == path


def test_intel_mac_flags(fresh_detection, monkeypatch: pytest.MonkeyPatch) -> None:
    sysctl = {"machdep.cpu.features": "FPU VME SSE SSE2 SSE3 AVX1.0 FMA",
              "machdep.cpu.leaf7_features": "BMI1 AVX2 AVX512F AVX512BW AVX512VNNI"}
    monkeypatch.setattr(cpu.platform, "system", lambda: "Darwin")
    monkeypatch.setattr(cpu.platform, "machine", lambda: "x86_64")
    monkeypatch.setattr(cpu, "_sysctl", lambda name: sysctl.get(name, ""))
    assert cpu.cpu_features().int8_path() == "avx512-vnni"


def test_this_machine_is_detected_without_error() -> None:
    features = cpu.cpu_features()
    assert features.int8_path() in ("avx512-vnni", "avx-vnni", "avx512", "avx2", "neon-dotprod", "neon", "generic")
    assert cpu.cpu_features() is features

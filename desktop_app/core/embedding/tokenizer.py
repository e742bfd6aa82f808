"""BLIP-2's text tokenizer through the `tokenizers` package alone, so a search for words never imports transformers.

transformers (about a second to import, and it pulls torch in) was only ever needed here to read
the model folder's tokenizer files. `tokenizers` is the Rust library transformers' own BERT
tokenizer runs on, so the same files give the same ids (tests/catalog/test_tokenizer.py checks it
against transformers): the folder's tokenizer.json as it is, or, for a folder that has only
vocab.txt, the WordPiece pipeline transformers' `BertTokenizer` builds from it, configured by
tokenizer_config.json. Both towers' encoders (torch and ONNX) tokenise here, so they can never
disagree about a text.

`tokenizers` is imported when a tokenizer is loaded, not with this module.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from desktop_app.core.embedding.blip2 import read_json

if TYPE_CHECKING:
    from tokenizers import Tokenizer

# transformers' BertTokenizer defaults, for what tokenizer_config.json leaves out.
_NAMED_DEFAULTS = {"unk_token": "[UNK]", "sep_token": "[SEP]", "pad_token": "[PAD]", "cls_token": "[CLS]", "mask_token": "[MASK]"}
_OPTIONAL_NAMED = ("bos_token", "eos_token")
_DEFAULT_MAX_POSITIONS = 512  # BERT's, and the Q-Former's when config.json does not say


class TokenizerFilesError(ValueError):
    """The folder has neither a usable tokenizer.json nor a vocab.txt."""


class QueryTokenizer:
    """Texts -> the padded `input_ids` and `attention_mask` the text tower takes, as transformers' tokenizer
    gives them with `padding=True, truncation=True`."""

    def __init__(self, backend: Tokenizer) -> None:
        self.backend = backend

    @classmethod
    def from_folder(cls, folder: Path) -> QueryTokenizer:
        """The tokenizer a saved BLIP-2 folder describes; raises TokenizerFilesError when its files cannot give one."""
        try:
            config = {**read_json(folder / "tokenizer_config.json"), **_special_tokens_map(folder)}
            backend = _backend(folder, config)
            _configure(backend, config, _max_positions(folder))
        except TokenizerFilesError:
            raise
        except Exception as exc:  # tokenizers reports a malformed file as a bare Exception
            raise TokenizerFilesError(f"{folder}: {type(exc).__name__}: {exc}") from exc
        return cls(backend)

    def __call__(self, texts: Sequence[str]) -> dict[str, np.ndarray]:
        """int64 arrays of shape (len(texts), longest text's tokens), padded on the configured side."""
        encodings = self.backend.encode_batch(list(texts))
        return {
            "input_ids": np.array([e.ids for e in encodings], dtype=np.int64),
            "attention_mask": np.array([e.attention_mask for e in encodings], dtype=np.int64),
        }


def _token_text(value: Any) -> str | None:
    """A special token as tokenizer_config.json and special_tokens_map.json write it: a string or an AddedToken dict."""
    if isinstance(value, dict):
        return value.get("content")
    return value if isinstance(value, str) else None


def _special_tokens_map(folder: Path) -> dict[str, str]:
    """Older saves (transformers 4) keep the named special tokens in special_tokens_map.json; it wins, as there."""
    named = read_json(folder / "special_tokens_map.json")
    return {name: text for name, value in named.items() if (text := _token_text(value)) is not None}


def _backend(folder: Path, config: dict[str, Any]) -> Tokenizer:
    from tokenizers import Tokenizer

    if (folder / "tokenizer.json").is_file():
        return Tokenizer.from_file(str(folder / "tokenizer.json"))
    if (folder / "vocab.txt").is_file():
        return _from_vocab(folder / "vocab.txt", config)
    raise TokenizerFilesError(f"{folder} has neither tokenizer.json nor vocab.txt")


def _from_vocab(path: Path, config: dict[str, Any]) -> Tokenizer:
    """The pipeline transformers' BertTokenizer builds from a vocab.txt, with the special tokens it then registers."""
    from tokenizers import AddedToken, Tokenizer, decoders, normalizers, pre_tokenizers, processors
    from tokenizers.models import WordPiece

    lines = path.read_text(encoding="utf-8").split("\n")
    if lines and lines[-1] == "":  # the file's final newline ends the last token, it does not start another
        lines.pop()
    vocab: dict[str, int] = {}
    for index, token in enumerate(lines):
        vocab[token] = index  # a repeated token keeps its last line, as transformers' load_vocab does
    named = {name: _token_text(config.get(name)) or default for name, default in _NAMED_DEFAULTS.items()}
    backend = Tokenizer(WordPiece(vocab, unk_token=named["unk_token"]))
    backend.normalizer = normalizers.BertNormalizer(
        clean_text=True, handle_chinese_chars=config.get("tokenize_chinese_chars", True),
        strip_accents=config.get("strip_accents"), lowercase=config.get("do_lower_case", True),
    )
    backend.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    backend.decoder = decoders.WordPiece(prefix="##")
    added = [_token_text(entry) for _, entry in sorted(config.get("added_tokens_decoder", {}).items(), key=lambda kv: int(kv[0]))]
    optional = [_token_text(config.get(name)) for name in _OPTIONAL_NAMED]
    specials = dict.fromkeys(t for t in (*added, *named.values(), *optional) if t)
    backend.add_special_tokens([AddedToken(token, special=True, normalized=False) for token in specials])
    cls, sep = named["cls_token"], named["sep_token"]
    backend.post_processor = processors.TemplateProcessing(
        single=f"{cls}:0 $A:0 {sep}:0", pair=f"{cls}:0 $A:0 {sep}:0 $B:1 {sep}:1",
        special_tokens=[(cls, backend.token_to_id(cls)), (sep, backend.token_to_id(sep))],
    )
    return backend


def _max_positions(folder: Path) -> int:
    """The longest text the Q-Former has position embeddings for: longer ones would fail in the tower."""
    qformer = read_json(folder / "config.json").get("qformer_config", {})
    return int(qformer.get("max_position_embeddings", _DEFAULT_MAX_POSITIONS))


def _configure(backend: Tokenizer, config: dict[str, Any], max_positions: int) -> None:
    """Truncate at model_max_length (capped by the tower's positions) and pad to the longest text, as transformers does."""
    pad_token = _token_text(config.get("pad_token")) or _NAMED_DEFAULTS["pad_token"]
    pad_id = backend.token_to_id(pad_token)
    if pad_id is None:
        raise TokenizerFilesError(f"the padding token {pad_token!r} is not in the vocabulary")
    max_length = min(int(config.get("model_max_length", max_positions)), max_positions)
    backend.enable_truncation(max_length, strategy="longest_first", direction=config.get("truncation_side", "right"))
    backend.enable_padding(direction=config.get("padding_side", "right"), pad_id=pad_id, pad_token=pad_token)

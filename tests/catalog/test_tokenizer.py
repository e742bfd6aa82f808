"""The tokenizers-only query tokenizer gives transformers' ids, from a tokenizer.json and from a bare vocab.txt."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from desktop_app.core.embedding.tokenizer import QueryTokenizer, TokenizerFilesError

MAX_LENGTH = 32
TEXTS = [
    "red shoes",
    "Red SHOES",
    "café con leche",
    "Señora, vestido rosa pálido",
    "ÉTÉ naïve façade",
    "t-shirt's (blue)!",
    "red,shoes...?!",
    "shoes [SEP] bag",
    "[DEC] red dress",
    "红色 dress",
    "\tnavy\u200b blazer\n",
    "",
    "a " * 5 + "long " * 40 + "summer dress for a beach wedding",
    "supercalifragilisticexpialidocious " + "x" * 120,
]
# Words and pieces with and without accents, so that lower-casing or accent stripping done wrongly changes the ids.
_WORDS = ["red", "Red", "shoes", "bag", "dress", "navy", "blazer", "summer", "a", "for", "long", "café", "cafe", "señora", "senora",
          "vestido", "rosa", "con", "leche", "pálido", "palido", "été", "ete", "t", "-", "shirt", "'", "s", "(", ")", "!", ",", ".", "?",
          "é", "á", "ñ", "ï", "ç", "红", "色"]
_PIECES = [chr(c) for c in range(ord("a"), ord("z") + 1)] + ["##" + chr(c) for c in range(ord("a"), ord("z") + 1)] + ["##é", "##á", "##ñ"]


def _vocab_only_folder(folder: Path, **config: object) -> Path:
    """A folder as older BERT-style saves lay it out: vocab.txt and tokenizer_config.json, no tokenizer.json."""
    folder.mkdir()
    tokens = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *_WORDS, *_PIECES]
    (folder / "vocab.txt").write_text("\n".join(tokens) + "\n", encoding="utf-8")
    settings = {"tokenizer_class": "BertTokenizer", "model_max_length": MAX_LENGTH, **config}
    (folder / "tokenizer_config.json").write_text(json.dumps(settings), encoding="utf-8")
    return folder


def _assert_same_as_transformers(folder: Path) -> None:
    from transformers import AutoTokenizer

    reference = AutoTokenizer.from_pretrained(folder, local_files_only=True)
    ours = QueryTokenizer.from_folder(folder)
    expected = reference(TEXTS, padding=True, truncation=True, return_tensors="np")
    got = ours(TEXTS)
    assert got["input_ids"].dtype == got["attention_mask"].dtype == np.int64
    assert got["input_ids"].shape[1] == MAX_LENGTH  # the long texts were truncated, the rest padded to them
    for name in ("input_ids", "attention_mask"):
        np.testing.assert_array_equal(got[name], expected[name], err_msg=name)
    for text in TEXTS:  # alone, with no padding
        np.testing.assert_array_equal(ours([text])["input_ids"], reference([text], truncation=True, return_tensors="np")["input_ids"],
                                      err_msg=text)


def test_tokenizer_json_matches_transformers(tiny_blip2: Path) -> None:
    assert (tiny_blip2 / "tokenizer.json").is_file()
    _assert_same_as_transformers(tiny_blip2)


@pytest.mark.parametrize("config", [
    {},
    {"do_lower_case": False},
    {"do_lower_case": True, "strip_accents": False},
    {"do_lower_case": False, "strip_accents": True},
    {"bos_token": "[DEC]"},  # BLIP-2's Q-Former tokenizer adds a token the vocabulary lacks
], ids=["defaults", "cased", "keep-accents", "cased-strip-accents", "added-token"])
def test_vocab_txt_matches_transformers_bert_tokenizer(tmp_path: Path, config: dict[str, object]) -> None:
    _assert_same_as_transformers(_vocab_only_folder(tmp_path / "model", **config))


def test_long_texts_stop_at_the_towers_positions(tmp_path: Path) -> None:
    folder = _vocab_only_folder(tmp_path / "model", model_max_length=10**30)  # what transformers writes when no length is known
    (folder / "config.json").write_text(json.dumps({"qformer_config": {"max_position_embeddings": 20}}), encoding="utf-8")
    assert QueryTokenizer.from_folder(folder)(["long " * 100])["input_ids"].shape == (1, 20)


def test_a_folder_without_tokenizer_files_is_refused(tmp_path: Path) -> None:
    with pytest.raises(TokenizerFilesError, match=r"neither tokenizer\.json nor vocab\.txt"):
        QueryTokenizer.from_folder(tmp_path)
    (tmp_path / "tokenizer.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(TokenizerFilesError):
        QueryTokenizer.from_folder(tmp_path)
